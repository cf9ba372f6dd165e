-- Compile phases of each load (issue 11, compile APIs and start-up): when
-- compilation started, when the instance existed, when the program first
-- wrote, and how much compile work overlapped the download. Definitions:
-- collector/trace/extract.h; meanings: db/README.md. NULL for loads stored
-- before this migration and wherever the trace lacks the moment.
ALTER TABLE loads ADD COLUMN compile_start_us INTEGER;
ALTER TABLE loads ADD COLUMN compile_start_event TEXT;
ALTER TABLE loads ADD COLUMN instantiate_end_us INTEGER;
ALTER TABLE loads ADD COLUMN instantiate_end_source TEXT;
ALTER TABLE loads ADD COLUMN first_output_us INTEGER;
ALTER TABLE loads ADD COLUMN startup_us INTEGER;
ALTER TABLE loads ADD COLUMN compile_work_us INTEGER;
ALTER TABLE loads ADD COLUMN overlap_us INTEGER;
ALTER TABLE loads ADD COLUMN compile_before_last_byte_pct REAL;
