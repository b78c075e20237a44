// Corpus files as documents: plain text (a document per file or per
// blank-line-separated block) and JSONL (one document per line, its text in
// `text_field`), each optionally gzip- or zstd-compressed (.gz, .zst).
// Errors name the file, and the line for JSONL.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sweep::text {

// Bad corpus input: unreadable or missing file, a glob matching nothing,
// malformed JSON line, missing text field, empty corpus. what() is one line
// starting "FILE:" or "FILE:LINE:".
struct CorpusError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class FileFormat { Auto, Text, Jsonl, LlmcBin, NanogptBin };
enum class TextDocuments { File, Paragraph };

inline constexpr FileFormat kAllFileFormats[] = {FileFormat::Auto, FileFormat::Text, FileFormat::Jsonl,
                                                 FileFormat::LlmcBin, FileFormat::NanogptBin};
inline constexpr TextDocuments kAllTextDocuments[] = {TextDocuments::File, TextDocuments::Paragraph};

const char* to_string(FileFormat f);  // "auto", "txt", "jsonl", "llmc", "nanogpt"
const char* to_string(TextDocuments d);  // "file", "paragraph"

struct ReadOptions {
  FileFormat format = FileFormat::Auto;  // Auto: by extension (.txt, .jsonl, .bin = llm.c; after .gz/.zst)
  std::string text_field = "text";
  TextDocuments documents = TextDocuments::File;
};

// Files matched by `globs` (relative ones from `base_dir`), each glob's
// matches sorted, in glob order, duplicates dropped. A glob that matches no
// file is an error naming it.
std::vector<std::string> expand_globs(const std::vector<std::string>& globs, const std::string& base_dir);

// The format a file is read as: `format`, or by its extension for Auto.
FileFormat format_of(const std::string& path, FileFormat format);

// Calls `visit` with each document of a text or JSONL file, in file order.
// Returns the number of documents.
std::size_t for_each_document(const std::string& path, const ReadOptions& options,
                              const std::function<void(std::string_view)>& visit);

}  // namespace sweep::text
