# Third-party packages, all from Debian (see scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
# ONNX's CMake package needs protobuf found first.
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)
find_package(OpenMP)

# certstudio_import_library(TARGET VAR HEADER LIBNAME DEBIAN_PACKAGE [HINTS...]): an imported
# target for a Debian library that ships no CMake package, found by its header and library (a
# missing one is a configure error naming the package to install).
function(certstudio_import_library target var header libname package)
  find_path(${var}_INCLUDE_DIR ${header} HINTS ${ARGN})
  find_library(${var}_LIBRARY NAMES ${libname})
  if(NOT ${var}_INCLUDE_DIR OR NOT ${var}_LIBRARY)
    message(FATAL_ERROR "${target} not found (${header}, lib${libname}): apt-get install ${package}")
  endif()
  add_library(${target} UNKNOWN IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION ${${var}_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${${var}_INCLUDE_DIR})
endfunction()

find_package(Qt6 REQUIRED COMPONENTS Core Test)
if(CERTSTUDIO_BUILD_GUI)
  find_package(Qt6 REQUIRED COMPONENTS Gui Widgets Concurrent Charts Svg)
  # QScintilla ships no CMake package.
  certstudio_import_library(QScintilla::QScintilla QSCINTILLA Qsci/qsciscintilla.h qscintilla2_qt6
                            libqscintilla2-qt6-dev
                            ${Qt6Core_INCLUDE_DIRS} /usr/include/x86_64-linux-gnu/qt6 /usr/include/qt6)
  target_link_libraries(QScintilla::QScintilla INTERFACE Qt6::Widgets)
endif()
if(CERTSTUDIO_BUILD_BENCHMARKS)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    message(STATUS "Google Benchmark not found: benchmarks are not built")
    set(CERTSTUDIO_BUILD_BENCHMARKS OFF)
  endif()
endif()
# GLPK (libglpk-dev) for `lp` in specs (runtime/lp_solver.cpp); no CMake package.
certstudio_import_library(GLPK::GLPK GLPK glpk.h glpk libglpk-dev)
# z3 (libz3-dev) for the prover (compiler/prove); no CMake package.
certstudio_import_library(Z3::Z3 Z3 z3++.h z3 libz3-dev)
# OpenBLAS for the CPU backend's dense GEMMs (runtime/backend/cpu/gemm.cpp): Debian's OpenMP
# build (libopenblas-openmp-dev), linked by its own directory whatever libopenblas.so.0 the system
# alternative names. It multiplies on the calling thread's OpenMP team and starts no threads of its
# own; the pthread build starts nproc - 1 threads when loaded, each spinning about 0.1 s.
set(CERTSTUDIO_OPENBLAS_DIR /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp)
find_library(OPENBLAS_LIBRARY openblas PATHS ${CERTSTUDIO_OPENBLAS_DIR} NO_DEFAULT_PATH)
find_path(OPENBLAS_INCLUDE_DIR cblas.h PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp NO_DEFAULT_PATH)
if(NOT OPENBLAS_LIBRARY OR NOT OPENBLAS_INCLUDE_DIR)
  message(FATAL_ERROR "OpenBLAS (OpenMP build) not found in ${CERTSTUDIO_OPENBLAS_DIR}: apt-get install libopenblas-openmp-dev")
endif()
add_library(OpenBLAS::OpenBLAS UNKNOWN IMPORTED GLOBAL)
set_target_properties(OpenBLAS::OpenBLAS PROPERTIES
  IMPORTED_LOCATION ${OPENBLAS_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${OPENBLAS_INCLUDE_DIR})
# Every binary, in the build tree and installed, finds it through its RUNPATH: that directory only
# (this project builds no shared libraries of its own that a build RUNPATH would have to name).
list(APPEND CMAKE_INSTALL_RPATH ${CERTSTUDIO_OPENBLAS_DIR})
set(CMAKE_BUILD_WITH_INSTALL_RPATH ON)
