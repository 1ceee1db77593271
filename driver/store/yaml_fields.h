// Typed fields of one YAML mapping from input oxcc does not control (the
// store's records, a distribution.yaml): a file may have been edited by
// hand, so every problem comes back as one sentence naming the key, the
// first one kept, never an exception. For the yaml-cpp readers only
// (store/*_read.cpp, link/distribution.cpp): the wrapper never loads yaml-cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace oxcc {

// Parses `text` as a YAML mapping: false with "not valid YAML (line N: ...)"
// or "not a YAML mapping".
bool loadYamlMap(const std::string &text, YAML::Node &root, std::string &error);

class YamlFields {
public:
  YamlFields(const YAML::Node &map, std::string &error) : map_(map), error_(error) {}

  // A string. `required`: present and not empty (a required key names the
  // thing read; empty, a writer would leave it out).
  std::string str(const char *key, bool required = false);
  // A list of strings; absent or null reads as empty.
  std::vector<std::string> list(const char *key);
  // The items of a list, unchecked (absent or null: none), for lists of mappings.
  std::vector<YAML::Node> items(const char *key);
  std::map<std::string, std::string> strMap(const char *key);
  int64_t integer(const char *key);

  // Keeps `message` unless a problem was found before; for the caller's own checks.
  void problem(const std::string &message) {
    if (error_.empty()) error_ = message;
  }

private:
  const YAML::Node &map_;
  std::string &error_;
};

} // namespace oxcc
