// sweep score --model DIR --text FILE: the per-token log-probabilities of each
// line of a text under a Hugging Face model folder, as JSON lines; how a user
// checks a loaded model, and the interface of the parity tests
// (tests/kernels/model/hf/). The scoring runs in the worker module
// (workers/score.hpp); this front end only checks the command line.
#pragma once

namespace sweep {

// argv[1] is "score". Returns 0; 2 for a bad command line or input (the model
// folder, the text, a model too large for the device); 1 when scoring itself
// fails or the worker module cannot be loaded. Errors are one line on standard
// error, "sweep score: MESSAGE", naming the file.
int score_command(int argc, char** argv, const char* version);

}  // namespace sweep
