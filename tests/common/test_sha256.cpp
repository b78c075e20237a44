// common/sha256: digests equal what coreutils' sha256sum prints for the same bytes.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "common/sha256.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

TEST(Sha256, EmptyInputHasTheStandardDigest) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, AbcHasTheStandardDigest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, OneMillionAsSpanManyBlocks) {
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundariesAreHandled) {
  // 55, 56 and 64 bytes straddle the length field's place in the last block.
  EXPECT_EQ(sha256_hex(std::string(55, 'x')), "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(sha256_hex(std::string(56, 'x')), "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
  EXPECT_EQ(sha256_hex(std::string(64, 'x')), "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}

TEST(Sha256, FileDigestEqualsInMemoryDigest) {
  testing::TempDir dir;
  const std::string path = dir.file("data.bin");
  std::string data;
  for (int i = 0; i < 1000000; ++i) data += static_cast<char>((i * 31 + 7) % 251);
  std::ofstream(path, std::ios::binary) << data;
  EXPECT_EQ(sha256_file(path), "03e13961ed7fa418171dcd51141cf32b71b1baee49433b42aea7764eccfc0405");
  EXPECT_EQ(sha256_file(path), sha256_hex(data));
}

TEST(Sha256, AnySplitOfTheBytesGivesTheSameDigest) {
  const std::string data(1000, 'q');
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{999}}) {
    Sha256 h;
    h.update(data.substr(0, cut));
    h.update(data.data() + cut, data.size() - cut);
    EXPECT_EQ(h.hex(), sha256_hex(data)) << "cut at " << cut;
  }
}

TEST(Sha256, UnreadableFileErrorNamesThePath) {
  try {
    sha256_file("/nonexistent/tokenizer.json");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tokenizer.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace sweep
