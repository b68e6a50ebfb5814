# What `cmake --install` puts where, and the three .deb packages `cpack -G DEB` makes from it
# (docs/packaging.md): each installed file belongs to one component, and each component is a
# package with the dependencies of what it holds:
#   cli       -> pjm           the command, its HTTP client module, man page, completions
#   server    -> pjm-server    pjm serve's module, the systemd unit, /etc/default/pjm-serve
#   postgres  -> pjm-postgres  the PostgreSQL storage module
# bin/pjm and lib/pjm/pjm-*.so are installed by their targets (top-level CMakeLists.txt,
# pjm_add_module); the binary finds its modules in ../lib/pjm, so that layout is fixed
# whatever the prefix.

set(PJM_MAINTAINER "pjm developers <pjm-developers@pjm.invalid>"
    CACHE STRING "The Maintainer of the .deb packages and their changelog (Name <address>)")

install(FILES man/pjm.1 DESTINATION share/man/man1 COMPONENT cli)
install(FILES completions/pjm.bash DESTINATION share/bash-completion/completions RENAME pjm
        COMPONENT cli)
install(FILES completions/_pjm DESTINATION share/zsh/site-functions COMPONENT cli)
install(FILES completions/pjm.fish DESTINATION share/fish/vendor_completions.d COMPONENT cli)
install(FILES README.md LICENSE contrib/config.toml.example docs/epilogue.md
        DESTINATION share/doc/pjm COMPONENT cli)
install(FILES contrib/pjm-serve.service DESTINATION lib/systemd/system COMPONENT server)
# /etc/default/pjm-serve: under the prefix's etc/default for `cmake --install`; the packages
# put it in /etc (deb-layout.cmake), a conffile.
install(FILES contrib/pjm-serve.default DESTINATION etc/default RENAME pjm-serve
        COMPONENT server)

# Debian's per-package documentation: copyright and changelog, in each package's doc folder.
configure_file(contrib/debian/changelog.in ${CMAKE_BINARY_DIR}/debian/changelog @ONLY)
foreach(component cli server postgres)
  set(package pjm)
  if(NOT component STREQUAL "cli")
    set(package pjm-${component})
  endif()
  install(FILES contrib/debian/copyright ${CMAKE_BINARY_DIR}/debian/changelog
          DESTINATION share/doc/${package} COMPONENT ${component})
endforeach()

set(CPACK_PACKAGE_NAME pjm)
set(CPACK_PACKAGE_VENDOR "the pjm developers")
set(CPACK_PACKAGE_CONTACT "${PJM_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "PipelineJobs manager and command-line tool")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cli server postgres)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${PJM_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Each package's dependencies from the libraries its files link (dpkg-shlibdeps), plus the
# packages it needs of these: pjm-server and pjm-postgres are modules of pjm's own version.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME pjm)
set(CPACK_COMPONENT_CLI_DESCRIPTION
    "PipelineJobs command-line tool
pjm keeps the records of scientific pipeline runs (PipelineJobs), moves them
through a fixed lifecycle with an append-only history, and stays compatible
with the Abaco PipelineJobs manager. This package holds the command: it sends
messages to a manager (client mode, with retries and an outbox) or applies them
to a SQLite database (--local). It is all a compute node needs.")
set(CPACK_DEBIAN_CLI_PACKAGE_SUGGESTS "pjm-postgres, pjm-server, graphviz")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME pjm-server)
set(CPACK_COMPONENT_SERVER_DEPENDS cli)
set(CPACK_COMPONENT_SERVER_DESCRIPTION
    "PipelineJobs manager over HTTP (pjm serve)
pjm serve is a PipelineJobs manager behind an Abaco-compatible HTTP endpoint:
the messages, executions and jobs routes, Tapis v3 paths, HTTPS, and admin
routes for operators. This package holds its module, a hardened systemd unit
(pjm-serve.service, not enabled until it has credentials) and the pjm system
user it runs as.")
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_SUGGESTS "pjm-postgres")
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)

set(CPACK_DEBIAN_POSTGRES_PACKAGE_NAME pjm-postgres)
set(CPACK_COMPONENT_POSTGRES_DEPENDS cli)
set(CPACK_COMPONENT_POSTGRES_DESCRIPTION
    "PostgreSQL storage for pjm
The module that lets pjm and pjm serve keep PipelineJobs in a PostgreSQL
database (--db postgresql://...) shared by several managers and operators.")
set(CPACK_DEBIAN_POSTGRES_PACKAGE_SECTION database)

# The control files' names are fixed (postinst, conffiles, ...): copies under their names.
foreach(script postinst prerm postrm)
  foreach(package pjm pjm-server)
    if(EXISTS ${PROJECT_SOURCE_DIR}/contrib/debian/${package}.${script})
      file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/debian/${package})
      file(COPY_FILE ${PROJECT_SOURCE_DIR}/contrib/debian/${package}.${script}
           ${CMAKE_BINARY_DIR}/debian/${package}/${script})
    endif()
  endforeach()
endforeach()
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/debian/pjm-server)
file(COPY_FILE ${PROJECT_SOURCE_DIR}/contrib/debian/pjm-server.conffiles
     ${CMAKE_BINARY_DIR}/debian/pjm-server/conffiles)
set(CPACK_DEBIAN_CLI_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian/pjm/postinst ${CMAKE_BINARY_DIR}/debian/pjm/postrm)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian/pjm-server/postinst ${CMAKE_BINARY_DIR}/debian/pjm-server/prerm
    ${CMAKE_BINARY_DIR}/debian/pjm-server/postrm ${CMAKE_BINARY_DIR}/debian/pjm-server/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Debian's layout (deb-layout.cmake): zsh completions in vendor-completions, man pages and
# changelogs compressed, /etc/default in /etc.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/deb-layout.cmake)
include(CPack)
