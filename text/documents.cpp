// Corpus files as documents; see documents.hpp. JSONL lines are parsed with
// nlohmann::json; a line with bytes that are not UTF-8 (which nlohmann's
// lexer refuses) is parsed with each such byte standing in as a private-use
// character and the byte put back in the extracted text, so no byte is lost.
#include "text/documents.hpp"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "text/byte_reader.hpp"
#include "text/line_reader.hpp"

namespace sweep::text {
namespace {

bool ends_with(const std::string& s, const char* tail) {
  const std::size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

bool blank(std::string_view line) {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when the byte there does
// not start one (RFC 3629: no overlong forms, surrogates or code points past
// U+10FFFF).
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

// Stand-ins for bytes that are not UTF-8: byte b becomes U+F700 + b (U+F780..
// U+F7FF, private use), three bytes EF 9E|9F xx.
constexpr unsigned kStandInBase = 0xF700;

std::string with_stand_ins(std::string_view line) {
  std::string out;
  out.reserve(line.size() + 16);
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t n = utf8_sequence(line, i);
    if (n > 0) {
      out.append(line.data() + i, n);
      i += n;
      continue;
    }
    const unsigned cp = kStandInBase + static_cast<unsigned char>(line[i]);
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
    ++i;
  }
  return out;
}

void put_back_bytes(std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c0 = static_cast<unsigned char>(text[i]);
    if (c0 == 0xEF && i + 2 < text.size()) {
      const unsigned cp = ((c0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                          (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
      if (cp >= kStandInBase + 0x80 && cp <= kStandInBase + 0xFF) {
        out += static_cast<char>(cp - kStandInBase);
        i += 3;
        continue;
      }
    }
    out += text[i++];
  }
  text = std::move(out);
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Newlines in the first `n` bytes of an uncompressed file: the line number a
// range starts at, counted only when an error needs it.
std::uint64_t newlines_before(const std::string& path, std::uint64_t n) {
  auto in = open_reader(path, 0, n);
  std::vector<char> buf(1 << 20);
  std::uint64_t count = 0;
  while (const std::size_t got = in->read(buf.data(), buf.size()))
    for (std::size_t i = 0; i < got; ++i) count += buf[i] == '\n';
  return count;
}

}  // namespace

const char* to_string(FileFormat f) {
  switch (f) {
    case FileFormat::Auto: return "auto";
    case FileFormat::Text: return "txt";
    case FileFormat::Jsonl: return "jsonl";
    case FileFormat::LlmcBin: return "llmc";
    case FileFormat::NanogptBin: return "nanogpt";
  }
  return "?";
}

const char* to_string(TextDocuments d) { return d == TextDocuments::File ? "file" : "paragraph"; }

std::vector<std::string> expand_globs(const std::vector<std::string>& globs, const std::string& base_dir) {
  std::vector<std::string> files;
  std::unordered_set<std::string> seen;
  for (const auto& g : globs) {
    const std::string pattern = (g.empty() || g[0] == '/' || base_dir.empty()) ? g : base_dir + "/" + g;
    glob_t found{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &found);
    if (rc == GLOB_NOMATCH) {
      globfree(&found);
      throw CorpusError(pattern + (has_glob_chars(pattern) ? ": no file matches this pattern"
                                                            : ": no such file or directory"));
    }
    if (rc != 0) {
      globfree(&found);
      throw CorpusError(pattern + ": glob failed (" + (rc == GLOB_NOSPACE ? "out of memory" : "read error") + ")");
    }
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
      std::string f = found.gl_pathv[i];
      if (seen.insert(f).second) files.push_back(std::move(f));
    }
    globfree(&found);
  }
  return files;
}

FileFormat format_of(const std::string& path, FileFormat format) {
  if (format != FileFormat::Auto) return format;
  std::string p = path;
  for (const char* z : {".gz", ".zst"})
    if (ends_with(p, z)) p.resize(p.size() - std::strlen(z));
  if (ends_with(p, ".txt")) return FileFormat::Text;
  if (ends_with(p, ".jsonl")) return FileFormat::Jsonl;
  if (ends_with(p, ".bin")) return FileFormat::LlmcBin;
  throw CorpusError(path + ": unknown format (expected .txt, .jsonl or .bin, optionally .gz/.zst); name its format ([data] format in a grid, --format for sweep prepare)");
}

struct DocumentReader::Impl {
  std::string path;
  ReadOptions options;
  FileFormat format;
  std::uint64_t begin;
  std::unique_ptr<ByteReader> in;
  LineReader lines;
  std::string doc;
  std::uint64_t line_no = 0;  // lines read from `begin`
  bool done = false;

  Impl(const std::string& p, const ReadOptions& o, std::uint64_t b, std::uint64_t e)
      : path(p), options(o), format(format_of(p, o.format)), begin(b), in(open_reader(p, b, e)), lines(*in) {
    if (format != FileFormat::Text && format != FileFormat::Jsonl)
      throw CorpusError(path + ": an " + std::string(to_string(format)) + " shard holds tokens, not documents");
    if (b != 0 && compression_of(p) != Compression::None)
      throw CorpusError(path + ": a compressed file cannot be read from an offset");
  }

  std::string where() {
    const std::uint64_t first = begin == 0 ? 0 : newlines_before(path, begin);
    return path + ":" + std::to_string(first + line_no) + ": ";
  }

  bool next_whole_file(std::string_view& out) {
    if (done) return false;
    done = true;
    doc.clear();
    std::vector<char> buf(1 << 20);
    while (const std::size_t got = in->read(buf.data(), buf.size())) doc.append(buf.data(), got);
    if (doc.empty()) return false;
    out = doc;
    return true;
  }

  bool next_paragraph(std::string_view& out) {
    doc.clear();
    std::string_view line;
    while (lines.next(line)) {
      if (blank(line)) {
        if (doc.empty()) continue;
        out = doc;
        return true;
      }
      if (!doc.empty()) doc += '\n';
      doc.append(line);
    }
    out = doc;
    return !doc.empty();
  }

  bool next_json(std::string_view& out) {
    std::string_view line;
    while (lines.next(line)) {
      ++line_no;
      if (blank(line)) continue;
      nlohmann::json j;
      bool stand_ins = false;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::parse_error& e) {
        if (valid_utf8(line)) throw CorpusError(where() + "not a JSON object: " + e.what());
        try {
          j = nlohmann::json::parse(with_stand_ins(line));
          stand_ins = true;
        } catch (const nlohmann::json::parse_error& e2) {
          throw CorpusError(where() + "not a JSON object: " + e2.what());
        }
      }
      if (!j.is_object()) throw CorpusError(where() + "not a JSON object: a JSON " + j.type_name());
      const auto field = j.find(options.text_field);
      if (field == j.end() || !field->is_string())
        throw CorpusError(where() + "no string field \"" + options.text_field + "\"");
      doc = std::move(field->get_ref<std::string&>());
      if (stand_ins) put_back_bytes(doc);
      out = doc;
      return true;
    }
    return false;
  }
};

DocumentReader::DocumentReader(const std::string& path, const ReadOptions& options, std::uint64_t begin,
                               std::uint64_t end)
    : impl_(std::make_unique<Impl>(path, options, begin, end)) {}
DocumentReader::~DocumentReader() = default;

bool DocumentReader::next(std::string_view& document) {
  if (impl_->format == FileFormat::Jsonl) return impl_->next_json(document);
  if (impl_->options.documents == TextDocuments::Paragraph) return impl_->next_paragraph(document);
  return impl_->next_whole_file(document);
}

std::uint64_t DocumentReader::consumed() const { return impl_->in->consumed(); }

std::size_t for_each_document(const std::string& path, const ReadOptions& options,
                              const std::function<void(std::string_view)>& visit) {
  DocumentReader reader(path, options);
  std::size_t n = 0;
  std::string_view doc;
  while (reader.next(doc)) {
    visit(doc);
    ++n;
  }
  return n;
}

bool splittable(const std::string& path, const ReadOptions& options) {
  if (compression_of(path) != Compression::None) return false;
  const FileFormat f = format_of(path, options.format);
  return f == FileFormat::Jsonl || (f == FileFormat::Text && options.documents == TextDocuments::Paragraph);
}

std::uint64_t next_document_boundary(const std::string& path, const ReadOptions& options, std::uint64_t offset) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw CorpusError(path + ": stat: " + std::strerror(errno));
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (offset == 0 || offset >= size) return std::min(offset, size);
  auto in = open_reader(path, offset - 1);
  LineReader lines(*in);
  std::string_view line;
  // The line holding byte offset - 1 ends first; the next line starts at or after offset.
  if (!lines.next(line)) return size;
  std::uint64_t at = offset - 1 + line.size() + 1;
  if (format_of(path, options.format) == FileFormat::Jsonl) return std::min(at, size);
  // A paragraph starts at a non-blank line after a blank one.
  bool after_blank = false;
  while (lines.next(line)) {
    const bool is_blank = blank(line);
    if (!is_blank && after_blank) return at;
    after_blank = is_blank;
    at += line.size() + 1;
  }
  return size;
}

}  // namespace sweep::text
