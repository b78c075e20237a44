// Loading a Hugging Face tokenizer.json into Tokenizer::Impl: the pipeline
// components, the added tokens, and the per-id tables (token_bytes,
// newline_ids, eot). Every error names the file.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/sha256.hpp"
#include "text/byte_level.hpp"
#include "text/json_util.hpp"
#include "text/tokenizer.hpp"
#include "text/tokenizer_impl.hpp"

namespace sweep::text {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TokenizerError(path + ": cannot read tokenizer file: " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw TokenizerError(path + ": read error");
  return s.str();
}

AddedToken parse_added_token(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_number_unsigned() || !j.contains("content") ||
      !j["content"].is_string())
    throw TokenizerError("added_tokens entry without an \"id\" and a \"content\": " + j.dump());
  AddedToken t;
  t.id = j["id"].get<TokenId>();
  t.content = j["content"].get<std::string>();
  t.special = bool_field(j, "special", false);
  t.normalized = bool_field(j, "normalized", !t.special);
  t.lstrip = bool_field(j, "lstrip", false);
  t.rstrip = bool_field(j, "rstrip", false);
  t.single_word = bool_field(j, "single_word", false);
  return t;
}

// The bytes a token stands for in running text (see token_bytes()).
std::string running_bytes(const std::string& token, bool byte_level, bool byte_fallback) {
  if (byte_level) {
    if (auto b = byte_level_to_bytes(token)) return *b;
    return token;
  }
  if (byte_fallback && token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>')
    return std::string(1, static_cast<char>(std::stoi(token.substr(3, 2), nullptr, 16)));
  std::string out;
  const std::string meta = "\xE2\x96\x81";
  for (std::size_t i = 0; i < token.size();) {
    if (token.compare(i, meta.size(), meta) == 0) {
      out += ' ';
      i += meta.size();
    } else {
      out += token[i++];
    }
  }
  return out;
}

void build(TokenizerState& im, const nlohmann::json& j) {
  if (!j.is_object()) throw TokenizerError("not a tokenizer.json object");
  if (!j.contains("model")) throw TokenizerError("has no \"model\"");
  // "truncation", "padding" and "post_processor" shape a model's input batch;
  // corpora are tokenized whole and with no special tokens added, as
  // encode(text, add_special_tokens=False) on a file where they are null.
  im.model = std::make_unique<Bpe>(j["model"]);
  im.normalizer = make_normalizer(j.value("normalizer", nlohmann::json()));
  const nlohmann::json pre = j.value("pre_tokenizer", nlohmann::json());
  const nlohmann::json dec = j.value("decoder", nlohmann::json());
  im.pre_tokenizer = make_pre_tokenizer(pre);
  im.decoder = make_decoder(dec);

  std::vector<AddedToken> added;
  if (j.contains("added_tokens") && !j["added_tokens"].is_null()) {
    if (!j["added_tokens"].is_array()) throw TokenizerError("\"added_tokens\" is not an array");
    for (const auto& a : j["added_tokens"]) added.push_back(parse_added_token(a));
  }
  // The crate re-adds the added tokens on load: one whose content the model's
  // vocabulary has takes the model's id, whatever id the file gives it.
  for (AddedToken& a : added)
    if (auto model_id = im.model->token_to_id(a.content)) a.id = *model_id;

  std::size_t size = im.model->size();
  for (const AddedToken& a : added) size = std::max<std::size_t>(size, std::size_t{a.id} + 1);
  im.vocab_size = size;
  im.tokens.assign(size, std::string());
  im.known.assign(size, false);
  std::vector<bool> special(size, false);
  for (TokenId id = 0; id < im.model->size(); ++id)
    if (const std::string* t = im.model->id_to_token(id)) {
      im.tokens[id] = *t;
      im.known[id] = true;
    }
  for (const AddedToken& a : added) {
    im.tokens[a.id] = a.content;
    im.known[a.id] = true;
    special[a.id] = a.special;
    if (a.normalized && im.normalizer) {
      std::string content = a.content;
      im.normalizer->normalize(content);
      im.normalized_added.add(a, std::move(content));
    } else if (a.normalized) {
      im.normalized_added.add(a, a.content);
    } else {
      im.raw_added.add(a, a.content);
    }
  }

  const bool byte_level = uses_byte_level(pre) || uses_byte_level(dec);
  im.token_bytes.assign(size, std::string());
  im.newline_ids.clear();
  for (TokenId id = 0; id < size; ++id) {
    if (!im.known[id] || special[id]) continue;
    im.token_bytes[id] = running_bytes(im.tokens[id], byte_level, im.model->byte_fallback());
    if (im.token_bytes[id].find('\n') != std::string::npos) im.newline_ids.push_back(id);
  }

  // Special tokens first: Gemma-3 has "</s>" as plain text (id 212) beside
  // its special "<eos>" (id 1), which is what its documents end with.
  auto find_eot = [&](bool special_only) -> std::optional<TokenId> {
    for (const char* name : {"<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>"}) {
      for (const AddedToken& a : added)
        if (a.content == name && (a.special || !special_only)) return a.id;
      if (!special_only)
        if (auto id = im.model->token_to_id(name)) return id;
    }
    return std::nullopt;
  };
  im.eot = find_eot(true);
  if (!im.eot) im.eot = find_eot(false);
}

}  // namespace

Tokenizer Tokenizer::from_file(const std::string& path) {
  const std::string bytes = read_file(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::exception& e) {
    throw TokenizerError(path + ": not valid JSON: " + e.what());
  }
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->hash = "sha256:" + sha256_hex(bytes);
  try {
    build(*impl, j);
  } catch (const TokenizerError& e) {
    throw TokenizerError(path + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw TokenizerError(path + ": unexpected tokenizer.json content: " + e.what());
  }
  return Tokenizer(std::move(impl));
}

}  // namespace sweep::text
