# What `cmake --install` puts where, and the .deb that `cpack -G DEB` makes from it.
# bin/pjm and lib/pjm/pjm-*.so are installed by their targets (top-level CMakeLists.txt); the
# binary finds its modules in ../lib/pjm, so that layout is fixed whatever the prefix.

install(FILES man/pjm.1 DESTINATION share/man/man1)
install(FILES completions/pjm.bash DESTINATION share/bash-completion/completions RENAME pjm)
install(FILES completions/_pjm DESTINATION share/zsh/site-functions)
install(FILES completions/pjm.fish DESTINATION share/fish/vendor_completions.d)
install(FILES README.md LICENSE contrib/config.toml.example docs/epilogue.md
        DESTINATION share/doc/pjm)
install(FILES contrib/pjm-serve.service DESTINATION lib/systemd/system)

set(CPACK_PACKAGE_NAME pjm)
set(CPACK_PACKAGE_VENDOR "the pjm developers")
set(CPACK_PACKAGE_CONTACT "the pjm developers <pjm@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "PipelineJobs manager and command-line tool")
set(CPACK_PACKAGE_DESCRIPTION
    "pjm keeps the records of scientific pipeline runs (PipelineJobs), moves them through a fixed
lifecycle with an append-only history, and stays compatible with the Abaco PipelineJobs manager.
It sends messages to a manager (client mode), applies them to a SQLite or PostgreSQL database
(--local), or serves an Abaco-compatible HTTP endpoint (pjm serve).")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "graphviz, postgresql-client")
# The package's dependencies from the libraries its binary and modules link (libcurl, libpq, …).
find_program(DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libcurl4, libpq5, libbrotli1, zlib1g")
endif()
# Debian's layout: zsh reads packages' completions from vendor-completions, and man pages are
# compressed.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/deb-layout.cmake)
include(CPack)
