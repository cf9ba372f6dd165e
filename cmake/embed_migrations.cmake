# Turns db/migrations/*.sql into a C array, so the schema lives in readable
# SQL files and the binary still needs nothing beside it at run time.
# Inputs: OUT (the .c to write), SRC_DIR, FILES (;-list, in order).
set(body "/* Generated from db/migrations by cmake/embed_migrations.cmake. */\n#include \"db/db_migrations.h\"\n\nconst struct db_migration db_migrations[] = {\n")
set(n 0)
foreach(f IN LISTS FILES)
  file(READ "${SRC_DIR}/${f}" sql)
  string(REPLACE "\\" "\\\\" sql "${sql}")
  string(REPLACE "\"" "\\\"" sql "${sql}")
  string(REPLACE "\n" "\\n\"\n    \"" sql "${sql}")
  math(EXPR n "${n} + 1")
  string(APPEND body "  { ${n}, \"${f}\",\n    \"${sql}\" },\n")
endforeach()
string(APPEND body "};\nconst int db_migrations_count = ${n};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
