// The byte-level tokenizer.
#include <gtest/gtest.h>

#include "kernels/data/tokenizer.hpp"

namespace sweep {

TEST(Tokenizer, OneTokenPerByteRoundTrips) {
  const std::string text = "47+85=132\nThe answer is 5.";
  const auto ids = encode(text);
  ASSERT_EQ(ids.size(), text.size());
  EXPECT_EQ(ids[0], '4');
  EXPECT_EQ(decode(ids), text);
}

TEST(Tokenizer, HighBytesStayInVocabulary) {
  const std::string text = "\xff\x80z";
  const auto ids = encode(text);
  for (auto id : ids) {
    EXPECT_GE(id, 0);
    EXPECT_LT(id, kVocabSize);
  }
  EXPECT_EQ(ids[0], 255);
  EXPECT_EQ(decode(ids), text);
}

}  // namespace sweep
