# The man page, `cmake --install` rules and the Debian package (`cpack -G DEB` in the build
# folder makes xuna-sync_<version>_<arch>.deb).
include(GNUInstallDirs)

# xuna-sync.1 from the built binary's own --help texts (scripts/make-man.sh), and the
# gzipped copy that is installed.
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/xuna-sync.1 ${CMAKE_BINARY_DIR}/xuna-sync.1.gz
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/make-man.sh $<TARGET_FILE:xuna-sync>
          ${CMAKE_BINARY_DIR}/xuna-sync.1
  COMMAND gzip -9nkf ${CMAKE_BINARY_DIR}/xuna-sync.1
  DEPENDS xuna-sync ${CMAKE_SOURCE_DIR}/scripts/make-man.sh
  COMMENT "Generating the man page xuna-sync.1 from --help"
  VERBATIM)
# xuna-emulator.1 is written by hand (docs/man/); gzip -9n: no name or time stamp in it.
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/xuna-emulator.1.gz
  COMMAND sh -c "gzip -9nc \"$1\" >\"$2\"" sh ${CMAKE_SOURCE_DIR}/docs/man/xuna-emulator.1
          ${CMAKE_BINARY_DIR}/xuna-emulator.1.gz
  DEPENDS ${CMAKE_SOURCE_DIR}/docs/man/xuna-emulator.1
  VERBATIM)
add_custom_target(man ALL DEPENDS ${CMAKE_BINARY_DIR}/xuna-sync.1 ${CMAKE_BINARY_DIR}/xuna-sync.1.gz
                                  ${CMAKE_BINARY_DIR}/xuna-emulator.1.gz)

# Shell completion from the built binary's own model (`xuna-sync completion bash|zsh`).
set(XS_BASH_COMPLETION ${CMAKE_BINARY_DIR}/completion/xuna-sync)
set(XS_ZSH_COMPLETION ${CMAKE_BINARY_DIR}/completion/_xuna-sync)
add_custom_command(
  OUTPUT ${XS_BASH_COMPLETION} ${XS_ZSH_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completion
  COMMAND sh -c "\"$1\" completion bash >\"$2\" && \"$1\" completion zsh >\"$3\"" sh
          $<TARGET_FILE:xuna-sync> ${XS_BASH_COMPLETION} ${XS_ZSH_COMPLETION}
  DEPENDS xuna-sync
  COMMENT "Generating the bash and zsh completion from xuna-sync completion"
  VERBATIM)
add_custom_target(completion ALL DEPENDS ${XS_BASH_COMPLETION} ${XS_ZSH_COMPLETION})

install(TARGETS xuna-sync xuna-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The PostgreSQL backend, loaded by xuna-sync from bin/../lib/<arch>/xuna-sync (pg_module.h).
install(TARGETS xuna-sync-postgres xuna-sync-phone xuna-sync-tls LIBRARY DESTINATION ${XS_MODULE_DIR})
install(FILES ${CMAKE_BINARY_DIR}/xuna-sync.1.gz ${CMAKE_BINARY_DIR}/xuna-emulator.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${XS_BASH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${XS_ZSH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES mappings/example.yaml contrib/xuna-sync.service contrib/xuna-sync.timer
              contrib/crontab.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES contrib/ci/github-actions.yml contrib/ci/gitlab-ci.yml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/ci)
# The JSON Schema of the mapping format, for editors (yaml-language-server, VS Code, JetBrains).
install(FILES schema/mapping.schema.json DESTINATION ${CMAKE_INSTALL_DATADIR}/xuna-sync)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME xuna-sync)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "keeps XUNA AI phone numbers and their agents in line with mapping files")
# Lines under 80 columns (lintian: extended-description-line-too-long).
set(CPACK_PACKAGE_DESCRIPTION
    "xuna-sync reconciles the phone numbers of a XUNA AI account, and the
agents that answer them, with YAML mapping files kept in git: plan shows
what would change, apply makes it so. Made for GitOps, CI and cron: a
journal in SQLite or PostgreSQL, one apply at a time, safety guards,
Prometheus metrics. Also ships xuna-emulator, a local XUNA and Twilio API
for tests.")
# Who answers for the package: set it when you build one to ship, e.g.
#   cmake -DXS_DEB_MAINTAINER="Ops Team <ops@example.com>" ...
# The default names no real mailbox (.invalid, RFC 2606) but is a well-formed address on a
# domain, which lintian accepts (bogus-mail-host is for localhost and the like).
set(XS_DEB_MAINTAINER "xuna-sync maintainers <maintainers@xuna-sync.invalid>" CACHE STRING
    "Maintainer field of the Debian package (and of its changelog)")
if(XS_DEB_MAINTAINER STREQUAL "xuna-sync maintainers <xuna-sync@localhost>")
  # the old default, still in build folders made before: lintian's bogus-mail-host error
  set(XS_DEB_MAINTAINER "xuna-sync maintainers <maintainers@xuna-sync.invalid>" CACHE STRING
      "Maintainer field of the Debian package (and of its changelog)" FORCE)
endif()
set(CPACK_PACKAGE_CONTACT ${XS_DEB_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${XS_DEB_MAINTAINER})
# /usr/share/doc/xuna-sync/copyright (the licence, DEP-5) and changelog.Debian.gz, made at
# configure time; the date is SOURCE_DATE_EPOCH's when set (reproducible builds).
# A Debian revision (0.1.0-1): the package is not native, so its changelog is
# changelog.Debian.gz (lintian: wrong-name-for-changelog-of-native-package otherwise).
set(XS_DEB_RELEASE 1 CACHE STRING "Debian revision of the package (the N of 0.1.0-N)")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${XS_DEB_RELEASE})
set(XS_DEB_VERSION ${PROJECT_VERSION}-${XS_DEB_RELEASE})
string(TIMESTAMP XS_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_SOURCE_DIR}/cmake/debian/changelog.in
               ${CMAKE_BINARY_DIR}/debian/changelog.Debian @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz
  COMMAND gzip -9nkf ${CMAKE_BINARY_DIR}/debian/changelog.Debian
  DEPENDS ${CMAKE_BINARY_DIR}/debian/changelog.Debian
  VERBATIM)
add_custom_target(deb-changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz)
install(FILES cmake/debian/copyright ${CMAKE_BINARY_DIR}/debian/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES cmake/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME xuna-sync)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Runtime libraries: read from the binaries when dpkg-shlibdeps is here (dpkg-dev), else the
# Debian 12 packages they link.
find_program(XS_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(XS_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata")  # read at run time by date/tz, not linked
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libpocofoundation80, libpoconet80, libpoconetssl80, libpocojson80, libpocoutil80, libyaml-cpp0.7, libyaml-0-2, libsqlite3-0, libpqxx-6.4, libphonenumber8, libdate-tz3, tzdata, libstdc++6, libc6")
endif()
include(CPack)

if(BUILD_TESTING)
  add_test(NAME packaging.deb
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/packaging/test_deb.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(packaging.deb PROPERTIES LABELS packaging SKIP_RETURN_CODE 125 TIMEOUT 300)
endif()
