// Corpus files as documents: plain text (a document per file or per
// blank-line-separated block) and JSONL (one document per line, its text in
// `text_field`), each optionally gzip- or zstd-compressed (.gz, .zst).
// Errors name the file, and the line for JSONL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

// The format a file is read as: `format`, or by its extension for Auto
// (CorpusError naming the file when the extension is none of those).
FileFormat format_of(const std::string& path, FileFormat format);

// Calls `visit` with each document of a text or JSONL file, in file order.
// Returns the number of documents.
std::size_t for_each_document(const std::string& path, const ReadOptions& options,
                              const std::function<void(std::string_view)>& visit);

// The documents of a text or JSONL file one at a time, optionally of the byte
// range [begin, end) of an uncompressed file that starts at a document
// boundary (see next_document_boundary): sweep prepare's work unit. A text
// file in TextDocuments::File mode is one document (none when empty); a
// paragraph is a run of lines between lines that are empty or only spaces,
// tabs and '\r', its lines joined by '\n'; JSONL skips blank lines. Bytes
// that are not UTF-8 are kept as they are.
class DocumentReader {
 public:
  DocumentReader(const std::string& path, const ReadOptions& options, std::uint64_t begin = 0,
                 std::uint64_t end = UINT64_MAX);
  ~DocumentReader();
  DocumentReader(const DocumentReader&) = delete;
  DocumentReader& operator=(const DocumentReader&) = delete;
  // The next document, valid until the next call; false at the end.
  bool next(std::string_view& document);
  // Bytes of the file on disk read so far (compressed bytes for .gz/.zst).
  std::uint64_t consumed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether a file can be cut into byte ranges at document boundaries:
// uncompressed JSONL, or uncompressed text read as paragraphs.
bool splittable(const std::string& path, const ReadOptions& options);

// The first document boundary at or after `offset` in a splittable file: the
// start of a line (JSONL) or of a paragraph after a blank line (text); the
// file's size when there is none.
std::uint64_t next_document_boundary(const std::string& path, const ReadOptions& options, std::uint64_t offset);

}  // namespace sweep::text
