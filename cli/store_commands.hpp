// The store tools, which run without MPI and without the worker module:
//   sweep validate STORE.h5                                   check a store against the schema
//   sweep export STORE.h5 [--format csv|jsonl] [--output FILE]   tidy /metrics for other tools
#pragma once

namespace sweep {

// argv[1] is "validate". Prints each problem (or "STORE: valid ...") to
// standard output; returns 0 for a valid store, 1 when problems were found,
// 2 for a bad command line.
int validate_command(int argc, char** argv);

// argv[1] is "export". Writes /metrics as CSV or JSON lines; returns 0, 1 for
// a runtime error (unreadable store, unwritable --output), 2 for a bad
// command line.
int export_command(int argc, char** argv);

}  // namespace sweep
