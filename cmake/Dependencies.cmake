# Third-party packages, all from Debian (see scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
# ONNX's CMake package needs protobuf found first.
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED)
find_package(OpenMP)

find_package(Qt6 REQUIRED COMPONENTS Core Test)
if(CERTSTUDIO_BUILD_GUI)
  find_package(Qt6 REQUIRED COMPONENTS Gui Widgets Concurrent Charts Svg)
  # QScintilla ships no CMake package: find its header and library by hand.
  find_path(QSCINTILLA_INCLUDE_DIR Qsci/qsciscintilla.h
            HINTS ${Qt6Core_INCLUDE_DIRS} /usr/include/x86_64-linux-gnu/qt6 /usr/include/qt6)
  find_library(QSCINTILLA_LIBRARY NAMES qscintilla2_qt6)
  if(NOT QSCINTILLA_INCLUDE_DIR OR NOT QSCINTILLA_LIBRARY)
    message(FATAL_ERROR "QScintilla for Qt 6 not found: apt-get install libqscintilla2-qt6-dev")
  endif()
  add_library(QScintilla::QScintilla UNKNOWN IMPORTED)
  set_target_properties(QScintilla::QScintilla PROPERTIES
    IMPORTED_LOCATION ${QSCINTILLA_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${QSCINTILLA_INCLUDE_DIR})
  target_link_libraries(QScintilla::QScintilla INTERFACE Qt6::Widgets)
endif()
if(CERTSTUDIO_BUILD_BENCHMARKS)
  find_package(benchmark QUIET)
  if(NOT benchmark_FOUND)
    message(STATUS "Google Benchmark not found: benchmarks are not built")
    set(CERTSTUDIO_BUILD_BENCHMARKS OFF)
  endif()
endif()
# GLPK (libglpk-dev) for `lp` in specs (runtime/lp_solver.cpp). No CMake package: header and
# library by hand.
find_path(GLPK_INCLUDE_DIR glpk.h)
find_library(GLPK_LIBRARY NAMES glpk)
if(NOT GLPK_INCLUDE_DIR OR NOT GLPK_LIBRARY)
  message(FATAL_ERROR "GLPK not found: apt-get install libglpk-dev")
endif()
add_library(GLPK::GLPK UNKNOWN IMPORTED)
set_target_properties(GLPK::GLPK PROPERTIES
  IMPORTED_LOCATION ${GLPK_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${GLPK_INCLUDE_DIR})
# z3 (libz3-dev) for the prover (compiler/prove). Debian's package ships no CMake config: find
# the C++ header and the library by hand.
find_path(Z3_INCLUDE_DIR z3++.h)
find_library(Z3_LIBRARY NAMES z3)
if(NOT Z3_INCLUDE_DIR OR NOT Z3_LIBRARY)
  message(FATAL_ERROR "z3 not found: apt-get install libz3-dev")
endif()
add_library(Z3::Z3 UNKNOWN IMPORTED)
set_target_properties(Z3::Z3 PROPERTIES
  IMPORTED_LOCATION ${Z3_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${Z3_INCLUDE_DIR})
