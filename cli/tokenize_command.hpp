// sweep tokenize --tokenizer T [--decode] FILE: the tokenizer from the
// command line, one output line per input line, so a corpus's ids can be
// checked against Hugging Face's own tokenizers line by line.
#pragma once

namespace sweep {

// argv[1] is "tokenize". Returns 0, 1 for a runtime error (unreadable file or
// tokenizer, a bad id), 2 for a bad command line. Errors are one line on
// standard error naming the file (and line).
int tokenize_command(int argc, char** argv);

}  // namespace sweep
