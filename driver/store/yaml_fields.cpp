#include "yaml_fields.h"

namespace oxcc {

bool loadYamlMap(const std::string &text, YAML::Node &root, std::string &error) {
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception &e) {
    error = "not valid YAML (line " + std::to_string(e.mark.line + 1) + ": " + e.msg + ")";
    return false;
  }
  if (!root.IsMap()) {
    error = "not a YAML mapping";
    return false;
  }
  return true;
}

std::string YamlFields::str(const char *key, bool required) {
  const YAML::Node n = map_[key];
  if (!n) {
    if (required) problem(std::string("missing key '") + key + "'");
    return "";
  }
  if (!n.IsScalar()) {
    problem(std::string("key '") + key + "' is not a string");
    return "";
  }
  std::string value = n.as<std::string>();
  if (required && value.empty()) problem(std::string("key '") + key + "' is empty");
  return value;
}

std::vector<YAML::Node> YamlFields::items(const char *key) {
  std::vector<YAML::Node> out;
  const YAML::Node n = map_[key];
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) {
    problem(std::string("key '") + key + "' is not a list");
    return out;
  }
  for (const auto &e : n) out.push_back(e);
  return out;
}

std::vector<std::string> YamlFields::list(const char *key) {
  std::vector<std::string> out;
  for (const auto &e : items(key)) {
    if (!e.IsScalar()) {
      problem(std::string("key '") + key + "' holds a non-string");
      return {};
    }
    out.push_back(e.as<std::string>());
  }
  return out;
}

std::map<std::string, std::string> YamlFields::strMap(const char *key) {
  std::map<std::string, std::string> m;
  const YAML::Node n = map_[key];
  if (!n || n.IsNull()) return m;
  if (!n.IsMap()) {
    problem(std::string("key '") + key + "' is not a mapping");
    return m;
  }
  for (const auto &kv : n) {
    if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
      problem(std::string("key '") + key + "' holds a non-string");
      return {};
    }
    m[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return m;
}

int64_t YamlFields::integer(const char *key) {
  const YAML::Node n = map_[key];
  if (!n) return 0;
  try {
    return n.as<int64_t>();
  } catch (const YAML::Exception &) {
    problem(std::string("key '") + key + "' is not an integer");
    return 0;
  }
}

} // namespace oxcc
