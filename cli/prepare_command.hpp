// `[mpirun -np N] sweep prepare --tokenizer T --out DIR [options] INPUTS...`:
// text and JSONL files (optionally .gz/.zst) tokenized into llm.c shards in
// DIR, with DIR/manifest.json. Rank 0 plans the work units (text/
// prepare_plan.hpp), every rank (rank 0 too) tokenizes its share, ranks
// report progress and finished shards to rank 0 over the wire, and rank 0
// keeps the manifest, so a killed run resumes where it stopped. The shards
// are the same bytes for any rank count.
#pragma once

namespace sweep {

// argv as main() receives them (argv[1] is "prepare"). Exit status: 0 done;
// 1 failed during the work (rerunning the same command resumes); 2 bad
// command line, unusable inputs or an --out folder that is refused (nothing
// written).
int prepare_command(int argc, char** argv, const char* version);

}  // namespace sweep
