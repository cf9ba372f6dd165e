-- 002: what `wasmlab inspect FILE.wasm --db DB` stores about a module's bytes.
--
-- All three tables are keyed by the module's SHA-256 (lowercase hex, the
-- same value as modules.sha256), so they join with the modules that
-- `wasmlab run` measured, and inspecting the same bytes again (under any
-- path) replaces that content's rows instead of adding more.
--
-- module_sizes: one row per distinct module content.
--   file                the path given to the latest inspect of this content
--   bytes               file size
--   gzip_bytes          zlib deflate level 9 in a gzip wrapper, no file name
--                       (the size `gzip -9 -n` writes, give or take gzip's
--                       own deflate implementation)
--   brotli_bytes        brotli quality 11, window from the file size as the
--                       brotli CLI picks it (the size `brotli -q 11` writes)
--   functions           imported + defined functions
--   imported_functions  function imports
--   imports, exports    entries in the import and export sections
--   inspected_at        ISO 8601 UTC
--
-- module_sections: one row per section, in file order.
--   section_index       0-based position in the file
--   id                  section id: 0 custom, 1 type, 2 import, 3 function,
--                       4 table, 5 memory, 6 global, 7 export, 8 start,
--                       9 element, 10 code, 11 data, 12 datacount, 13 tag
--   name                custom section name (e.g. "name", "producers");
--                       NULL for the other sections
--   offset              file offset of the section's id byte
--   size                the whole section: id byte + LEB128 length + payload
--   payload_offset      where the contents start (wasm-objdump -h "start")
--   payload_size        the declared length (wasm-objdump -h "size")
--   Invariant: 8 (the header) + SUM(size) = module_sizes.bytes.
--
-- module_imports: one row per import, in file order.
--   import_index        0-based position in the import section
--   module, field       the two-level import name, e.g. "wasi_snapshot_preview1"
--                       / "fd_write", "gojs" / "runtime.wasmExit", "env" / ...
--   kind                'func' | 'table' | 'memory' | 'global' | 'tag'

CREATE TABLE module_sizes (
    module_sha256      TEXT PRIMARY KEY,
    file               TEXT NOT NULL,
    bytes              INTEGER NOT NULL,
    gzip_bytes         INTEGER NOT NULL,
    brotli_bytes       INTEGER NOT NULL,
    functions          INTEGER NOT NULL,
    imported_functions INTEGER NOT NULL,
    imports            INTEGER NOT NULL,
    exports            INTEGER NOT NULL,
    inspected_at       TEXT NOT NULL
);

CREATE TABLE module_sections (
    module_sha256  TEXT NOT NULL REFERENCES module_sizes(module_sha256) ON DELETE CASCADE,
    section_index  INTEGER NOT NULL,
    id             INTEGER NOT NULL,
    name           TEXT,
    offset         INTEGER NOT NULL,
    size           INTEGER NOT NULL,
    payload_offset INTEGER NOT NULL,
    payload_size   INTEGER NOT NULL,
    PRIMARY KEY (module_sha256, section_index)
);

CREATE TABLE module_imports (
    module_sha256  TEXT NOT NULL REFERENCES module_sizes(module_sha256) ON DELETE CASCADE,
    import_index   INTEGER NOT NULL,
    module         TEXT NOT NULL,
    field          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    PRIMARY KEY (module_sha256, import_index)
);
