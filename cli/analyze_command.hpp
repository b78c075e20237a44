// `sweep analyze STORE.h5 | --csv tidy.csv [--json] [--out FILE] [--bootstrap N]
// [--baseline TASK=P ...] [--loss-metric NAME]`: scaling-law fits, ability
// verdicts and metric-artefact flags from a store (read-only, live or after
// the sweep) or a tidy CSV; findings also go to their own HDF5 file.
#pragma once

namespace sweep {

// argv[1] is "analyze". Prints the report (or JSON) to standard output;
// returns 0, 1 for a runtime error (unreadable store), or 2 for a bad command
// line or an --out that already exists (one line on standard error).
int analyze_command(int argc, char** argv, const char* version);

}  // namespace sweep
