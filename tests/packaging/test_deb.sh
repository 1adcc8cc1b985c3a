#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` makes xuna-sync_<version>_<arch>.deb from a built tree;
# it holds both binaries, the man page, the bash and zsh completion and the examples, depends
# on the runtime libraries, and the xuna-sync in it runs; it has a copyright file, a
# changelog.Debian.gz, a man page for each binary, and lintian finds no error in it (E: lines;
# under CI=true lintian must be there). cpack writes into a temp folder (-B), so the build
# folder and the tests running beside this one are left alone.
#   tests/packaging/test_deb.sh BUILD_DIR        (exit 125: skipped, no cpack or dpkg-deb)
set -euo pipefail
build=$(cd "${1:?usage: test_deb.sh BUILD_DIR}" && pwd)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
for tool in cpack dpkg-deb dpkg; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 125; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$tmp" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB failed"; }

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
release=$(sed -n 's/^set(CPACK_DEBIAN_PACKAGE_RELEASE "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
debversion=$version${release:+-$release}  # the Debian revision: not a native package
deb="$tmp/xuna-sync_${debversion}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "no $(basename "$deb"); cpack made: $(ls "$tmp")"
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

listing=$(dpkg-deb -c "$deb")
echo "$listing" | awk '{print $NF}'
for f in usr/bin/xuna-sync usr/bin/xuna-emulator usr/share/man/man1/xuna-sync.1.gz \
         usr/share/man/man1/xuna-emulator.1.gz \
         usr/share/doc/xuna-sync/copyright usr/share/doc/xuna-sync/changelog.Debian.gz \
         usr/share/doc/xuna-sync/examples/ci/gitlab-ci.yml \
         usr/share/bash-completion/completions/xuna-sync \
         usr/share/zsh/vendor-completions/_xuna-sync \
         usr/share/doc/xuna-sync/examples/example.yaml \
         usr/share/doc/xuna-sync/examples/xuna-sync.service \
         usr/share/doc/xuna-sync/examples/xuna-sync.timer \
         usr/share/doc/xuna-sync/examples/crontab.example \
         usr/share/doc/xuna-sync/examples/ci/github-actions.yml; do
  grep -q " \./$f\$" <<<"$listing" || fail "$f is not in the package"
done
grep -q '^-rwxr-xr-x .* \./usr/bin/xuna-sync$' <<<"$listing" || fail "usr/bin/xuna-sync is not executable"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libpoconet80 libpoconetssl80 libpocofoundation80 libyaml-cpp0.7 libyaml-0-2 libsqlite3-0; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib"
done
[ "$(dpkg-deb -f "$deb" Package)" = xuna-sync ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$debversion" ] || fail "package version"

dpkg-deb -x "$deb" "$tmp/root"
out=$("$tmp/root/usr/bin/xuna-sync" --version)
[ "$out" = "xuna-sync $version" ] || fail "packaged xuna-sync --version said '$out'"
"$tmp/root/usr/bin/xuna-emulator" --help >/dev/null 2>&1 || fail "packaged xuna-emulator --help failed"
# The PostgreSQL backend is a module the packaged xuna-sync finds from where it is installed
# (issue 23): a state on a closed port fails to connect, not to load the backend.
module=$(awk '{print $NF}' <<<"$listing" | grep '/xuna-sync/xuna-sync-postgres\.so$' || true)
[ -n "$module" ] || fail "the PostgreSQL module is not in the package"
grep -q "libpqxx" <<<"$depends" || fail "Depends lacks libpqxx (the PostgreSQL module's)"
pg_out=$("$tmp/root/usr/bin/xuna-sync" history --state postgresql://127.0.0.1:1/none 2>&1 || true)
grep -q "cannot connect to PostgreSQL" <<<"$pg_out" ||
  fail "the packaged xuna-sync did not load its PostgreSQL module: $pg_out"
mv "$tmp/root/$module" "$tmp/module.so"
pg_out=$("$tmp/root/usr/bin/xuna-sync" history --state postgresql://127.0.0.1:1/none 2>&1 || true)
grep -q "PostgreSQL states are not available in this installation" <<<"$pg_out" ||
  fail "without its module, xuna-sync said: $pg_out"
mv "$tmp/module.so" "$tmp/root/$module"
# libphonenumber is a module too (issue 23): the packaged xuna-sync finds it and checks a
# number with it; without it, a mapping's numbers are an error saying so, not a crash.
phone=$(awk '{print $NF}' <<<"$listing" | grep '/xuna-sync/xuna-sync-phone\.so$' || true)
[ -n "$phone" ] || fail "the phone module is not in the package"
grep -q "libphonenumber" <<<"$depends" || fail "Depends lacks libphonenumber (the phone module's)"
printf 'version: 1\ntwilio_accounts:\n  main:\n    account_sid: AC0123456789abcdef0123456789abcdef\n    auth_token_env: T\nnumbers:\n  - phone_number: "+1212200250"\n    label: Short\n    twilio_account: main\n' >"$tmp/short.yaml"
phone_out=$("$tmp/root/usr/bin/xuna-sync" validate -f "$tmp/short.yaml" 2>&1 || true)
grep -q "impossible phone number +1212200250: too short" <<<"$phone_out" ||
  fail "the packaged xuna-sync did not check a number with its phone module: $phone_out"
mv "$tmp/root/$phone" "$tmp/phone.so"
phone_out=$("$tmp/root/usr/bin/xuna-sync" validate -f "$tmp/short.yaml" 2>&1; echo "exit $?")
grep -q "cannot check phone numbers: libphonenumber is not available in this installation" <<<"$phone_out" &&
  grep -q "exit 3" <<<"$phone_out" || fail "without its phone module, xuna-sync said: $phone_out"
mv "$tmp/phone.so" "$tmp/root/$phone"
# So is Poco's NetSSL (issue 23): https:// loads it; without it, https:// is a clear error.
tls=$(awk '{print $NF}' <<<"$listing" | grep '/xuna-sync/xuna-sync-tls\.so$' || true)
[ -n "$tls" ] || fail "the TLS module is not in the package"
grep -q "libpoco.*netssl" <<<"$depends" || fail "Depends lacks Poco's NetSSL (the TLS module's)"
printf 'version: 1\nnumbers: []\n' >"$tmp/none.yaml"
tls_plan() {  # a file that is no CA: the module's context refuses it
  XUNA_API_KEY=k "$tmp/root/usr/bin/xuna-sync" plan -f "$tmp/none.yaml" \
    --api-url https://127.0.0.1:1 --ca-file "$tmp/none.yaml" 2>&1
  echo "exit $?"
}
tls_out=$(tls_plan)
grep -q "TLS setup failed: .*Cannot load CA file" <<<"$tls_out" && grep -q "exit 3" <<<"$tls_out" ||
  fail "the packaged xuna-sync did not make a TLS context with its module: $tls_out"
mv "$tmp/root/$tls" "$tmp/tls.so"
tls_out=$(tls_plan)
grep -q "https:// is not available in this installation" <<<"$tls_out" &&
  grep -q "exit 3" <<<"$tls_out" || fail "without its TLS module, xuna-sync said: $tls_out"
mv "$tmp/tls.so" "$tmp/root/$tls"
# The completion the package installs is the binary's own, and bash loads it.
cmp -s <("$tmp/root/usr/bin/xuna-sync" completion bash) \
  "$tmp/root/usr/share/bash-completion/completions/xuna-sync" || fail "bash completion differs"
cmp -s <("$tmp/root/usr/bin/xuna-sync" completion zsh) \
  "$tmp/root/usr/share/zsh/vendor-completions/_xuna-sync" || fail "zsh completion differs"
reply=$(bash --norc -c 'source "$1"; COMP_WORDS=(xuna-sync pl); COMP_CWORD=1; _xuna_sync;
                        echo "${COMPREPLY[*]}"' sh "$tmp/root/usr/share/bash-completion/completions/xuna-sync")
[ "$reply" = plan ] || fail "the packaged bash completion offered '$reply' for 'pl'"
if command -v man >/dev/null; then
  page=$(MANWIDTH=80 man -l "$tmp/root/usr/share/man/man1/xuna-sync.1.gz" 2>&1)
  grep -q "^NAME" <<<"$page" || fail "the man page does not render: $page"
  grep -q "xuna-sync apply" <<<"$page" || fail "the man page lacks the apply command"
fi
# The maintainer is an address on a domain (set it with -DXS_DEB_MAINTAINER=...).
maintainer=$(dpkg-deb -f "$deb" Maintainer)
echo "Maintainer: $maintainer"
grep -Eq '^[^<>]+ <[^@<>]+@[A-Za-z0-9.-]+\.[A-Za-z]+>$' <<<"$maintainer" || fail "maintainer '$maintainer'"
# The changelog names this version and is gzip -9n (no name, no time stamp).
zcat "$tmp/root/usr/share/doc/xuna-sync/changelog.Debian.gz" | head -1 | grep -q "^xuna-sync ($debversion) " ||
  fail "changelog.Debian.gz does not start with version $debversion"
[ "$(od -An -tu1 -j4 -N4 "$tmp/root/usr/share/doc/xuna-sync/changelog.Debian.gz" | tr -d ' ')" = 0000 ] ||
  fail "changelog.Debian.gz carries a time stamp (gzip -n)"
grep -q '^License: MIT' "$tmp/root/usr/share/doc/xuna-sync/copyright" || fail "copyright names no licence"
# Description lines under 80 columns.
if dpkg-deb -f "$deb" Description | awk 'length > 79 { bad = 1 } END { exit !bad }'; then
  fail "a Description line is 80 columns or more"
fi
if command -v man >/dev/null; then
  page=$(MANWIDTH=80 man -l "$tmp/root/usr/share/man/man1/xuna-emulator.1.gz" 2>&1)
  grep -q -- "--fixture" <<<"$page" || fail "the xuna-emulator man page does not render: $page"
fi

if command -v lintian >/dev/null; then
  report=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
  echo "lintian:"
  echo "${report:-  (nothing to report)}"
  if grep -q '^E: ' <<<"$report"; then fail "lintian reports errors"; fi
  if grep -q '^W: ' <<<"$report"; then fail "lintian reports warnings"; fi
elif [ "${CI:-}" = true ]; then
  fail "lintian is required under CI=true (scripts/install-deps.sh)"
else
  echo "lintian is not installed: its check is skipped"
fi
echo "ok"
