// hf/safetensors: a file's tensors read back as written (F32, F16, BF16), each
// malformation refused with one line naming the file, sharded checkpoints
// through their index, and the weights checksum.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/sha256.hpp"
#include "hf/safetensors.hpp"
#include "tests/hf/safetensors_writer.hpp"
#include "tests/temp_dir.hpp"

namespace sweep::hf {
namespace {

using testing::bytes_of;
using testing::framed;
using testing::safetensors_bytes;
using testing::TensorBytes;
using testing::write_bytes;
using json = nlohmann::json;

// The message of the runtime_error `f` throws.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "did not throw";
  return "";
}

std::vector<float> iota(int n, float from = 0.5f) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = from + static_cast<float>(i);
  return v;
}

// bf16 is the high half of an fp32 (exact for these small values).
std::string bf16_bytes(const std::vector<float>& v) {
  std::vector<std::uint16_t> out;
  for (float x : v) {
    std::uint32_t bits;
    std::memcpy(&bits, &x, 4);
    out.push_back(static_cast<std::uint16_t>(bits >> 16));
  }
  return bytes_of(out);
}

std::string view_bytes(const TensorView& v) { return std::string(reinterpret_cast<const char*>(v.data), v.bytes); }

class Safetensors : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.file(name);
    write_bytes(path, bytes);
    return path;
  }
  sweep::testing::TempDir dir_{"sweep_hf_safetensors"};
};

TEST_F(Safetensors, ReadsBackF32F16AndBF16TensorsAsWritten) {
  const std::string f32 = bytes_of(iota(6));
  // 1.0, -2.0, 0.5 in IEEE half precision.
  const std::string f16 = bytes_of(std::vector<std::uint16_t>{0x3C00, 0xC000, 0x3800});
  const std::string bf16 = bf16_bytes(iota(4, -1.5f));
  const std::string path = write("model.safetensors", safetensors_bytes({{"a.weight", "F32", {2, 3}, f32},
                                                                         {"b.bias", "F16", {3}, f16},
                                                                         {"c", "BF16", {2, 1, 2}, bf16}},
                                                                        json{{"format", "pt"}}));
  const SafetensorsFile f = SafetensorsFile::open(path);
  ASSERT_EQ(f.tensors().size(), 3u);  // __metadata__ is no tensor
  const TensorView& a = f.tensors().at("a.weight");
  EXPECT_EQ(a.dtype, DType::F32);
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(a.numel(), 6);
  EXPECT_EQ(a.bytes, 24u);
  EXPECT_EQ(view_bytes(a), f32);
  const TensorView& b = f.tensors().at("b.bias");
  EXPECT_EQ(b.dtype, DType::F16);
  EXPECT_EQ(view_bytes(b), f16);
  const TensorView& c = f.tensors().at("c");
  EXPECT_EQ(c.dtype, DType::BF16);
  EXPECT_EQ(c.shape, (std::vector<std::int64_t>{2, 1, 2}));
  EXPECT_EQ(view_bytes(c), bf16);
  EXPECT_EQ(f.file_bytes(), std::filesystem::file_size(path));
  EXPECT_STREQ(to_string(c.dtype), "BF16");
}

TEST_F(Safetensors, KnowsEveryDtypeSize) {
  const std::vector<std::pair<std::string, std::size_t>> sizes = {
      {"F64", 8}, {"I64", 8}, {"F32", 4}, {"I32", 4}, {"F16", 2}, {"BF16", 2},
      {"I16", 2}, {"I8", 1},  {"U8", 1},  {"BOOL", 1}};
  std::vector<TensorBytes> tensors;
  for (const auto& [dtype, size] : sizes) tensors.push_back({dtype, dtype, {3}, std::string(3 * size, '\x01')});
  const SafetensorsFile f = SafetensorsFile::open(write("all.safetensors", safetensors_bytes(tensors)));
  for (const auto& [dtype, size] : sizes) {
    const TensorView& v = f.tensors().at(dtype);
    EXPECT_EQ(to_string(v.dtype), dtype);
    EXPECT_EQ(dtype_size(v.dtype), size) << dtype;
  }
}

TEST_F(Safetensors, ViewsStayValidWhenTheFileIsMoved) {
  const std::string f32 = bytes_of(iota(4));
  SafetensorsFile f = SafetensorsFile::open(write("m.safetensors", safetensors_bytes({{"x", "F32", {4}, f32}})));
  const TensorView* before = &f.tensors().at("x");
  SafetensorsFile g = std::move(f);
  EXPECT_EQ(&g.tensors().at("x"), before);
  EXPECT_EQ(view_bytes(g.tensors().at("x")), f32);
}

TEST_F(Safetensors, ReadsAnEmptyTensor) {
  const SafetensorsFile f =
      SafetensorsFile::open(write("e.safetensors", safetensors_bytes({{"empty", "F32", {0, 4}, ""}})));
  EXPECT_EQ(f.tensors().at("empty").numel(), 0);
  EXPECT_EQ(f.tensors().at("empty").bytes, 0u);
}

TEST_F(Safetensors, RefusesAMissingFile) {
  const std::string path = dir_.file("absent.safetensors");
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e.rfind(path + ": cannot open", 0), 0u) << e;
}

TEST_F(Safetensors, RefusesAFileShorterThanItsHeaderLength) {
  const std::string path = write("short.safetensors", std::string("\x10\x00\x00", 3));
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e, path + ": too short for a safetensors file (3 bytes, the header length alone is 8)");
}

TEST_F(Safetensors, RefusesAHeaderLengthPastTheEndOfTheFile) {
  std::string bytes = safetensors_bytes({{"x", "F32", {2}, bytes_of(iota(2))}});
  bytes[0] = '\x00';
  bytes[1] = '\x10';  // 4096: far past the file's end
  const std::string path = write("long_header.safetensors", bytes);
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e, path + ": truncated: the header says 4096 bytes, the file has " + std::to_string(bytes.size() - 8) +
                   " after the length");
}

TEST_F(Safetensors, RefusesATruncatedFile) {
  const std::string whole = safetensors_bytes({{"a", "F32", {2}, bytes_of(iota(2))}, {"b", "F32", {3}, bytes_of(iota(3))}});
  const std::string path = write("cut.safetensors", whole.substr(0, whole.size() - 4));
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e, path + ": truncated: tensor 'b' ends at byte " + std::to_string(whole.size()) + ", the file has " +
                   std::to_string(whole.size() - 4));
}

TEST_F(Safetensors, RefusesMalformedHeaderJson) {
  const std::string path = write("bad_json.safetensors", framed("{\"x\": {\"dtype\": ", ""));
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e.rfind(path + ": malformed header JSON: ", 0), 0u) << e;
  EXPECT_NE(e.find("parse error"), std::string::npos) << e;
}

TEST_F(Safetensors, RefusesAnUnknownDtype) {
  const std::string header = R"({"x": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}})";
  const std::string path = write("dtype.safetensors", framed(header, "ab"));
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e.rfind(path + ": tensor 'x': unknown dtype 'F8_E4M3'", 0), 0u) << e;
}

TEST_F(Safetensors, RefusesOffsetsThatDisagreeWithTheShape) {
  const std::string header = R"({"x": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 12]}})";
  const std::string path = write("offsets.safetensors", framed(header, std::string(16, '\0')));
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e, path + ": tensor 'x': data_offsets [0,12] span 12 bytes, shape [2,2] of F32 needs 16");
}

TEST_F(Safetensors, RefusesOffsetsThatEndBeforeTheyBegin) {
  const std::string header = R"({"x": {"dtype": "U8", "shape": [0], "data_offsets": [4, 0]}})";
  const std::string path = write("backwards.safetensors", framed(header, std::string(4, '\0')));
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e, path + ": tensor 'x': data_offsets [4,0] end before they begin");
}

TEST_F(Safetensors, RefusesATensorEntryWithoutOffsets) {
  const std::string header = R"({"x": {"dtype": "U8", "shape": [1]}})";
  const std::string path = write("no_offsets.safetensors", framed(header, "a"));
  const std::string e = error_of([&] { SafetensorsFile::open(path); });
  EXPECT_EQ(e, path + ": tensor 'x': data_offsets missing or not [begin, end]");
}

// ---- Weights: a model folder's files ----

class WeightsFolder : public Safetensors {
 protected:
  // Two shards and their index: a.weight in the first, b.weight in the second.
  void write_sharded(const json& weight_map) {
    write("model-00001-of-00002.safetensors", safetensors_bytes({{"a.weight", "F32", {2}, bytes_of(iota(2))}}));
    write("model-00002-of-00002.safetensors", safetensors_bytes({{"b.weight", "F32", {3}, bytes_of(iota(3, 7.f))}}));
    write("model.safetensors.index.json", json{{"metadata", {{"total_size", 20}}}, {"weight_map", weight_map}}.dump());
  }
  std::string dir() const { return dir_.path().string(); }
  const json two_shards = {{"a.weight", "model-00001-of-00002.safetensors"},
                           {"b.weight", "model-00002-of-00002.safetensors"}};
};

TEST_F(WeightsFolder, OpensASingleFile) {
  write("model.safetensors", safetensors_bytes({{"z", "F32", {1}, bytes_of(iota(1))}, {"y", "I64", {1}, std::string(8, '\0')}}));
  const Weights w = Weights::open(dir());
  EXPECT_EQ(w.names(), (std::vector<std::string>{"y", "z"}));
  EXPECT_EQ(w.files(), std::vector<std::string>{dir() + "/model.safetensors"});
  EXPECT_TRUE(w.has("z"));
  EXPECT_EQ(w.get("y").dtype, DType::I64);
  EXPECT_EQ(w.bytes_on_disk(), std::filesystem::file_size(dir_.file("model.safetensors")));
}

TEST_F(WeightsFolder, NamesAnAbsentTensor) {
  write("model.safetensors", safetensors_bytes({{"z", "F32", {1}, bytes_of(iota(1))}}));
  const Weights w = Weights::open(dir());
  EXPECT_FALSE(w.has("lm_head.weight"));
  EXPECT_EQ(error_of([&] { w.get("lm_head.weight"); }), dir() + ": no tensor 'lm_head.weight' in the checkpoint");
}

TEST_F(WeightsFolder, OpensTheShardsItsIndexNames) {
  write_sharded(two_shards);
  const Weights w = Weights::open(dir());
  EXPECT_EQ(w.names(), (std::vector<std::string>{"a.weight", "b.weight"}));
  EXPECT_EQ(w.files(), (std::vector<std::string>{dir() + "/model-00001-of-00002.safetensors",
                                                 dir() + "/model-00002-of-00002.safetensors"}));
  EXPECT_EQ(view_bytes(w.get("b.weight")), bytes_of(iota(3, 7.f)));
  EXPECT_EQ(view_bytes(w.get("a.weight")), bytes_of(iota(2)));
  EXPECT_EQ(w.bytes_on_disk(), std::filesystem::file_size(dir_.file("model-00001-of-00002.safetensors")) +
                                   std::filesystem::file_size(dir_.file("model-00002-of-00002.safetensors")));
}

TEST_F(WeightsFolder, RefusesAnIndexNamingAMissingShard) {
  json map = two_shards;
  map["c.weight"] = "model-00003-of-00003.safetensors";
  write_sharded(map);
  EXPECT_EQ(error_of([&] { Weights::open(dir()); }),
            dir() + "/model.safetensors.index.json: shard 'model-00003-of-00003.safetensors' is missing from " + dir());
}

TEST_F(WeightsFolder, RefusesAnIndexNamingATensorItsShardLacks) {
  json map = two_shards;
  map["c.weight"] = "model-00001-of-00002.safetensors";
  write_sharded(map);
  EXPECT_EQ(error_of([&] { Weights::open(dir()); }),
            dir() + "/model.safetensors.index.json: tensor 'c.weight' is not in its shard "
                    "'model-00001-of-00002.safetensors'");
}

TEST_F(WeightsFolder, RefusesAShardPathOutsideTheFolder) {
  json map = two_shards;
  map["c.weight"] = "../elsewhere.safetensors";
  write_sharded(map);
  EXPECT_EQ(error_of([&] { Weights::open(dir()); }),
            dir() + "/model.safetensors.index.json: weight_map.c.weight: '../elsewhere.safetensors' is not a file name");
}

TEST_F(WeightsFolder, RefusesAFolderWithoutWeights) {
  EXPECT_EQ(error_of([&] { Weights::open(dir()); }),
            dir() + ": no model.safetensors and no model.safetensors.index.json");
}

TEST_F(WeightsFolder, ReportsAShardsError) {
  write_sharded(two_shards);
  write("model-00002-of-00002.safetensors", "1234");
  const std::string e = error_of([&] { Weights::open(dir()); });
  EXPECT_EQ(e.rfind(dir() + "/model-00002-of-00002.safetensors: too short", 0), 0u) << e;
}

TEST_F(WeightsFolder, ChecksumIsEachFilesNameThenItsBytesInNameOrder) {
  write_sharded(two_shards);
  const Weights w = Weights::open(dir());
  std::string stream;
  for (const char* name : {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}) {
    stream += name;
    std::ifstream in(dir_.file(name), std::ios::binary);
    stream.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  EXPECT_EQ(w.checksum(), "sha256:" + sha256_hex(stream));
  EXPECT_EQ(Weights::open(dir()).checksum(), w.checksum());  // stable across opens
}

TEST_F(WeightsFolder, ChecksumChangesWithOneByte) {
  std::string bytes = safetensors_bytes({{"x", "F32", {4}, bytes_of(iota(4))}});
  write("model.safetensors", bytes);
  const std::string before = Weights::open(dir()).checksum();
  bytes.back() ^= 0x01;
  write("model.safetensors", bytes);
  const std::string after = Weights::open(dir()).checksum();
  EXPECT_NE(before, after);
  EXPECT_EQ(before.size(), std::string("sha256:").size() + 64);
}

}  // namespace
}  // namespace sweep::hf
