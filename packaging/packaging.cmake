# packaging.cmake - what `cmake --install` puts where, and the Debian package
# (`cpack -G DEB` in the build directory: evpnd_VERSION_ARCH.deb).  Included
# by the top-level CMakeLists.txt after the program and YANG install rules.
#
# The systemd unit names /usr/sbin/evpnd: the package's prefix is /usr
# (CPACK_PACKAGING_INSTALL_PREFIX); a `cmake --install` elsewhere needs
# --prefix /usr for the unit to work, or an ExecStart= drop-in.

set(EVPND_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
    "systemd unit directory (relative: under the install prefix)")
set(EVPND_TMPFILESDIR "lib/tmpfiles.d" CACHE STRING
    "tmpfiles.d directory (relative: under the install prefix)")

# Man pages, compressed as Debian wants them (gzip -9n: no name, no time, so
# the same bytes every build).
find_program(GZIP_EXECUTABLE gzip REQUIRED)
set(EVPND_MAN_PAGES evpnd.8 evpnctl.8 evpnd.yaml.5)
set(man_gz)
foreach(page ${EVPND_MAN_PAGES})
  set(out ${CMAKE_BINARY_DIR}/man/${page})
  add_custom_command(
    OUTPUT ${out}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/man/${page} ${out}
    COMMAND ${GZIP_EXECUTABLE} -9nf ${out}
    DEPENDS ${CMAKE_SOURCE_DIR}/man/${page}
    COMMENT "Compressing man page ${page}")
  list(APPEND man_gz ${out}.gz)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  install(FILES ${out}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(man-pages ALL DEPENDS ${man_gz})

install(FILES packaging/evpnd.service DESTINATION ${EVPND_SYSTEMD_UNITDIR})
install(FILES packaging/evpnd.tmpfiles DESTINATION ${EVPND_TMPFILESDIR} RENAME evpnd.conf)
install(FILES packaging/evpnctl.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME evpnctl)
install(FILES packaging/evpnd.yaml.example README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Debian package.  Depends: from the programs' shared libraries
# (dpkg-shlibdeps, package dpkg-dev) plus adduser for the maintainer scripts.
# No conffile: the example goes to /usr/share/doc/evpnd; /etc/evpnd/evpnd.yaml
# is the administrator's (a shipped default would start sessions to nowhere).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME evpnd)
set(CPACK_PACKAGE_VENDOR "evpnd project")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "BGP EVPN control-plane daemon for Linux VTEPs")
set(CPACK_PACKAGE_DESCRIPTION
    "evpnd makes a Linux host a VTEP of an EVPN-VXLAN fabric: iBGP (L2VPN/EVPN)
to route reflectors, EVPN Type-2/3/5 routes, the kernel's VXLAN FDB,
neighbour and route tables programmed over netlink, graceful restart.
One YAML file validated against a YANG model configures it; evpnctl
inspects and steers it.")
set(CPACK_PACKAGE_CONTACT "evpnd maintainers <evpnd@evpnd.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "iproute2")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# the build tree and VCS files never go into a source package
set(CPACK_SOURCE_IGNORE_FILES "/build[^/]*/" "/\\\\.git/")
include(CPack)
