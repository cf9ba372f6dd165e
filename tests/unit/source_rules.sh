#!/usr/bin/env bash
# The layering rules of docs/architecture.md, checked on the source tree:
#   - SQL lives in db/: no sqlite3 call or header outside db/ (tests aside);
#   - base/ includes nothing of ours; cdp/ and db/ include only base/ (and
#     themselves), never collector/;
#   - one place starts child processes (base/spawn.c);
#   - one option layer parses command lines (collector/cli/options.c);
#   - no function longer than 150 lines outside tests and modules.
# usage: source_rules.sh SOURCE_DIR
set -u
src=${1:?usage: source_rules.sh SOURCE_DIR}
cd "$src" || exit 2
fails=0
pass=0
rule() {   # rule NAME MATCHES...: the rule holds when nothing matched
  local name=$1; shift
  if [ -n "$*" ]; then
    echo "FAIL $name:"; printf '  %s\n' "$@"; fails=$((fails + 1))
  else
    echo "ok   $name"; pass=$((pass + 1))
  fi
}
mapfile -t hits < <(grep -rln 'sqlite3' collector base cdp --include='*.[ch]')
rule "no sqlite3 outside db/" "${hits[@]}"
mapfile -t hits < <(grep -rn '#include "\(collector\|cdp\|db\)/' base --include='*.[ch]')
rule "base/ includes nothing of ours" "${hits[@]}"
mapfile -t hits < <(grep -rn '#include "collector/' cdp db --include='*.[ch]')
rule "cdp/ and db/ include nothing from collector/" "${hits[@]}"
mapfile -t hits < <(grep -rn '#include "db/' cdp --include='*.[ch]'; grep -rn '#include "cdp/' db --include='*.[ch]')
rule "cdp/ and db/ are independent" "${hits[@]}"
mapfile -t hits < <(grep -rnE '\b(fork|vfork|posix_spawnp?|execvp?e?|execl[pe]?|system|popen)[[:space:]]*\(' \
                      base cdp db collector --include='*.c' | grep -v '^base/spawn\.c:')
rule "child processes start only in base/spawn.c" "${hits[@]}"
mapfile -t hits < <(grep -rn 'getopt_long[[:space:]]*(' collector --include='*.c' | grep -v '^collector/cli/options\.c:')
rule "command lines parse only in collector/cli/options.c" "${hits[@]}"
mapfile -t hits < <(python3 - <<'PY'
import os, re
for top in ("base", "cdp", "db", "collector"):
    for d, _, files in os.walk(top):
        for f in files:
            if not f.endswith(".c"):
                continue
            path = os.path.join(d, f)
            lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
            for i, line in enumerate(lines):
                if line != "{" or i == 0:
                    continue
                j = i - 1            # back to the signature's first line
                while j > 0 and not re.match(r"[A-Za-z_]", lines[j]):
                    j -= 1
                if "(" not in "".join(lines[j:i]):
                    continue         # an initialiser, not a function
                k = i + 1
                while k < len(lines) and lines[k] != "}":
                    k += 1
                if k - j + 1 > 150:
                    print(f"{path}:{j + 1}: {k - j + 1} lines: {lines[j][:60]}")
PY
)
rule "no function over 150 lines" "${hits[@]}"
echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
