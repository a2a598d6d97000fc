# CPack: a Debian package with certstudio, certc, the specs and the example networks.
# A package for other machines is configured with -DCERTSTUDIO_NATIVE_ARCH=OFF (portable x86-64).
if(CERTSTUDIO_NATIVE_ARCH)
  message(STATUS "CertStudio: -march=native build; configure with -DCERTSTUDIO_NATIVE_ARCH=OFF for a portable .deb")
endif()
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "certstudio")
set(CPACK_PACKAGE_VENDOR "CertStudio")
set(CPACK_PACKAGE_CONTACT "CertStudio developers <dev@certstudio.local>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "IDE for designing DNN certifiers in ConstraintFlow")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
# Not found by shlibdeps: Qt loads the SVG icon engine (toolbar and diagnostic icons) as a plugin;
# shlibdeps names only libopenblas0 for libopenblas.so.0, while the binaries' RUNPATH points at the
# OpenMP build (cmake/Dependencies.cmake), which starts no threads of its own.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6, libopenblas0-openmp")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/certstudio/certstudio")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/specs/ DESTINATION share/certstudio/specs FILES_MATCHING PATTERN "*.cf")

# Desktop integration: menu entry, AppStream metadata, scalable icon (named as the desktop file's Icon=).
if(CERTSTUDIO_BUILD_GUI)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/certstudio.desktop DESTINATION share/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/io.github.certstudio.CertStudio.metainfo.xml
          DESTINATION share/metainfo)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/certstudio.svg DESTINATION share/icons/hicolor/scalable/apps)
endif()

# desktop-file-validate and appstreamcli over the packaging files; fails when either is missing.
if(CERTSTUDIO_BUILD_TESTS)
  add_test(NAME packaging/validate COMMAND sh ${PROJECT_SOURCE_DIR}/packaging/validate.sh)
endif()

include(CPack)
