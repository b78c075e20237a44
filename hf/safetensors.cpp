// The safetensors reader: a read-only private map of each file, the header
// checked against the file's size before any tensor is handed out, and the
// sharded-checkpoint index.
#include "hf/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/sha256.hpp"

namespace sweep::hf {
namespace {

using json = nlohmann::json;

bool parse_dtype(const std::string& s, DType* out) {
  static const std::pair<const char*, DType> kNames[] = {
      {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16}, {"F64", DType::F64},
      {"I64", DType::I64}, {"I32", DType::I32}, {"I16", DType::I16},   {"I8", DType::I8},
      {"U8", DType::U8},   {"BOOL", DType::Bool}};
  for (const auto& [name, d] : kNames)
    if (s == name) {
      *out = d;
      return true;
    }
  return false;
}

// A read-only mapping of a whole file; owns the address range.
class Mapping {
 public:
  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (addr_ != nullptr) ::munmap(addr_, size_);  // failure leaves nothing to undo
  }

  static std::unique_ptr<Mapping> map(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      throw std::runtime_error(path + ": cannot stat: " + std::strerror(err));
    }
    auto m = std::make_unique<Mapping>();
    m->size_ = static_cast<std::size_t>(st.st_size);
    // An empty file cannot be mapped; it is refused as too short later.
    if (m->size_ > 0) {
      void* addr = ::mmap(nullptr, m->size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (addr == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        throw std::runtime_error(path + ": cannot map: " + std::strerror(err));
      }
      m->addr_ = addr;
    }
    ::close(fd);  // the mapping keeps the file alive
    return m;
  }

  const std::byte* data() const { return static_cast<const std::byte*>(addr_); }
  std::size_t size() const { return size_; }

 private:
  void* addr_ = nullptr;
  std::size_t size_ = 0;
};

std::uint64_t read_u64_le(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<std::uint64_t>(p[i]);
  return v;
}

// numel * element size, or false when it overflows 64 bits (a corrupt shape).
bool byte_size(const std::vector<std::int64_t>& shape, std::size_t element, std::uint64_t* out) {
  std::uint64_t n = element;
  for (std::int64_t d : shape) {
    const auto u = static_cast<std::uint64_t>(d);
    if (u != 0 && n > UINT64_MAX / u) return false;
    n *= u;
  }
  *out = n;
  return true;
}

}  // namespace

const char* to_string(DType d) {
  switch (d) {
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::F64: return "F64";
    case DType::I64: return "I64";
    case DType::I32: return "I32";
    case DType::I16: return "I16";
    case DType::I8: return "I8";
    case DType::U8: return "U8";
    case DType::Bool: return "BOOL";
  }
  return "?";
}

std::size_t dtype_size(DType d) {
  switch (d) {
    case DType::F64:
    case DType::I64: return 8;
    case DType::F32:
    case DType::I32: return 4;
    case DType::F16:
    case DType::BF16:
    case DType::I16: return 2;
    case DType::I8:
    case DType::U8:
    case DType::Bool: return 1;
  }
  return 0;
}

std::int64_t TensorView::numel() const {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

struct SafetensorsFile::Impl {
  std::string path;
  std::unique_ptr<Mapping> map;
  std::map<std::string, TensorView> tensors;
};

SafetensorsFile::SafetensorsFile() : impl_(std::make_unique<Impl>()) {}
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

const std::string& SafetensorsFile::path() const { return impl_->path; }
const std::map<std::string, TensorView>& SafetensorsFile::tensors() const { return impl_->tensors; }
std::uint64_t SafetensorsFile::file_bytes() const { return impl_->map->size(); }
const std::byte* SafetensorsFile::mapped() const { return impl_->map->data(); }

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  SafetensorsFile f;
  f.impl_->path = path;
  f.impl_->map = Mapping::map(path);
  const std::byte* base = f.impl_->map->data();
  const std::uint64_t size = f.impl_->map->size();
  auto fail = [&](const std::string& what) -> std::runtime_error { return std::runtime_error(path + ": " + what); };

  if (size < 8) throw fail("too short for a safetensors file (" + std::to_string(size) + " bytes, the header length alone is 8)");
  const std::uint64_t header_len = read_u64_le(base);
  if (header_len > size - 8)
    throw fail("truncated: the header says " + std::to_string(header_len) + " bytes, the file has " +
               std::to_string(size - 8) + " after the length");
  const std::uint64_t data_start = 8 + header_len;

  json header;
  try {
    header = json::parse(reinterpret_cast<const char*>(base + 8), reinterpret_cast<const char*>(base + data_start));
  } catch (const json::parse_error& e) {
    throw fail(std::string("malformed header JSON: ") + e.what());
  }
  if (!header.is_object()) throw fail(std::string("header is not a JSON object but ") + header.type_name());

  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    if (name == "__metadata__") continue;
    const json& e = it.value();
    auto bad = [&](const std::string& what) { return fail("tensor '" + name + "': " + what); };
    if (!e.is_object()) throw bad(std::string("expected an object, got ") + e.type_name());

    TensorView v;
    v.name = name;
    const auto dt = e.find("dtype");
    if (dt == e.end() || !dt->is_string()) throw bad("dtype missing or not a string");
    if (!parse_dtype(dt->get<std::string>(), &v.dtype))
      throw bad("unknown dtype '" + dt->get<std::string>() + "' (known: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");

    const auto sh = e.find("shape");
    if (sh == e.end() || !sh->is_array()) throw bad("shape missing or not a list");
    for (const json& d : *sh) {
      if (!d.is_number_integer() || d.get<std::int64_t>() < 0) throw bad("shape " + sh->dump() + " is not a list of sizes");
      v.shape.push_back(d.get<std::int64_t>());
    }

    const auto off = e.find("data_offsets");
    if (off == e.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
        !(*off)[1].is_number_unsigned())
      throw bad("data_offsets missing or not [begin, end]");
    const auto begin = (*off)[0].get<std::uint64_t>(), end = (*off)[1].get<std::uint64_t>();
    if (end < begin) throw bad("data_offsets " + off->dump() + " end before they begin");
    std::uint64_t expected = 0;
    if (!byte_size(v.shape, dtype_size(v.dtype), &expected))
      throw bad("shape " + sh->dump() + " overflows a 64-bit byte count");
    if (end - begin != expected)
      throw bad("data_offsets " + off->dump() + " span " + std::to_string(end - begin) + " bytes, shape " +
                sh->dump() + " of " + to_string(v.dtype) + " needs " + std::to_string(expected));
    if (end > size - data_start)
      throw fail("truncated: tensor '" + name + "' ends at byte " + std::to_string(data_start + end) +
                 ", the file has " + std::to_string(size));
    v.data = base + data_start + begin;
    v.bytes = static_cast<std::size_t>(expected);
    f.impl_->tensors.emplace(name, std::move(v));
  }
  return f;
}

Weights Weights::open(const std::string& dir) {
  namespace fs = std::filesystem;
  Weights w;
  w.dir_ = dir;
  const std::string single = dir + "/model.safetensors";
  const std::string index_path = dir + "/model.safetensors.index.json";
  std::error_code ec;

  if (fs::is_regular_file(single, ec)) {
    w.files_.push_back(SafetensorsFile::open(single));
    for (const auto& [name, view] : w.files_.back().tensors()) w.index_.emplace(name, &view);
  } else if (fs::is_regular_file(index_path, ec)) {
    std::ifstream in(index_path, std::ios::binary);
    if (!in) throw std::runtime_error(index_path + ": cannot open: " + std::strerror(errno));
    std::stringstream buf;
    buf << in.rdbuf();
    json index;
    try {
      index = json::parse(buf.str());
    } catch (const json::parse_error& e) {
      throw std::runtime_error(index_path + ": malformed JSON: " + e.what());
    }
    const auto map = index.is_object() ? index.find("weight_map") : index.end();
    if (map == index.end() || !map->is_object())
      throw std::runtime_error(index_path + ": weight_map missing or not an object");

    std::set<std::string> shards;
    for (auto it = map->begin(); it != map->end(); ++it) {
      if (!it->is_string()) throw std::runtime_error(index_path + ": weight_map." + it.key() + ": expected a file name");
      const std::string shard = it->get<std::string>();
      // A shard is a file of this folder, never a path out of it.
      if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..")
        throw std::runtime_error(index_path + ": weight_map." + it.key() + ": '" + shard + "' is not a file name");
      shards.insert(shard);
    }
    std::map<std::string, const std::map<std::string, TensorView>*> by_name;
    for (const std::string& shard : shards) {
      const std::string path = dir + "/" + shard;
      if (!fs::is_regular_file(path, ec))
        throw std::runtime_error(index_path + ": shard '" + shard + "' is missing from " + dir);
      w.files_.push_back(SafetensorsFile::open(path));
      by_name[shard] = &w.files_.back().tensors();
    }
    for (auto it = map->begin(); it != map->end(); ++it) {
      const std::string shard = it->get<std::string>();
      const auto& tensors = *by_name.at(shard);
      const auto t = tensors.find(it.key());
      if (t == tensors.end())
        throw std::runtime_error(index_path + ": tensor '" + it.key() + "' is not in its shard '" + shard + "'");
      w.index_.emplace(it.key(), &t->second);
    }
  } else {
    const bool has_bin = fs::exists(dir + "/pytorch_model.bin", ec);
    throw std::runtime_error(dir + ": no model.safetensors and no model.safetensors.index.json" +
                             std::string(has_bin ? " (pytorch_model.bin is not read: save the model as safetensors)" : ""));
  }
  for (const auto& f : w.files_) w.paths_.push_back(f.path());
  return w;
}

bool Weights::has(const std::string& name) const { return index_.count(name) != 0; }

const TensorView& Weights::get(const std::string& name) const {
  const auto it = index_.find(name);
  if (it == index_.end()) throw std::runtime_error(dir_ + ": no tensor '" + name + "' in the checkpoint");
  return *it->second;
}

std::vector<std::string> Weights::names() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& kv : index_) out.push_back(kv.first);
  return out;
}

const std::vector<std::string>& Weights::files() const { return paths_; }

std::uint64_t Weights::bytes_on_disk() const {
  std::uint64_t n = 0;
  for (const auto& f : files_) n += f.file_bytes();
  return n;
}

const std::string& Weights::checksum() const {
  if (checksum_.empty()) {
    // files_ is in name order (one file, or the index's shards from a set).
    Sha256 h;
    for (const auto& f : files_) {
      h.update(std::filesystem::path(f.path()).filename().string());
      if (f.file_bytes() > 0) h.update(f.mapped(), f.file_bytes());
    }
    checksum_ = "sha256:" + h.hex();
  }
  return checksum_;
}

}  // namespace sweep::hf
