-- How Chrome exported the load's trace (run/sweep --trace-format, an
-- experiment's "trace_format"; docs/trace-formats.md): 'json' (Chrome's own
-- JSON) or 'proto' (Perfetto protobuf, converted by wasmlab to the same
-- JSON). NULL for loads with no trace read and loads stored before this
-- migration (all of which were 'json').
ALTER TABLE load_host ADD COLUMN trace_format TEXT;
