// Reading records back, with yaml-cpp (store/yaml_fields.h): files may have
// been edited by hand, and every problem must come back as a sentence.
#include "store/records.h"
#include "store/yaml_fields.h"

namespace oxcc {

namespace {

// The record's map, with the schema it must name.
bool loadMap(const std::string &text, const char *schema, YAML::Node &root, std::string &error) {
  if (!loadYamlMap(text, root, error)) return false;
  const YAML::Node s = root["schema"];
  if (!s || !s.IsScalar() || s.as<std::string>() != schema) {
    error = std::string("schema is not '") + schema + "'";
    return false;
  }
  return true;
}

bool isHexId(const std::string &s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
} // namespace

std::optional<ObjectRecord> objectFromYaml(const std::string &text, std::string &error) {
  YAML::Node root;
  if (!loadMap(text, kObjectSchema, root, error)) return std::nullopt;
  YamlFields rd{root, error};
  ObjectRecord r;
  r.id = rd.str("id", true);
  r.storedSha256 = rd.str("stored_sha256");
  std::string origin = rd.str("origin");
  if (origin == "foreign") r.origin = Origin::Foreign;
  else if (!origin.empty() && origin != "compiled" && error.empty())
    error = "origin: '" + origin + "' is neither compiled nor foreign";
  r.source = rd.str("source");
  r.language = rd.str("language");
  r.cwd = rd.str("cwd");
  r.output = rd.str("output");
  r.compiler = rd.str("compiler");
  r.target = rd.str("target");
  r.module = rd.str("module");
  r.flags = rd.list("flags");
  r.generator = rd.str("generator");
  r.generatorSource = rd.str("generator_source");
  r.notes = rd.strMap("notes");
  r.recordedNs = rd.integer("recorded_ns");
  if (error.empty() && !isHexId(r.id)) error = "id is not a sha256 hex digest";
  if (!error.empty()) return std::nullopt;
  return r;
}

std::optional<ExtensionRecord> extensionFromYaml(const std::string &text, std::string &error) {
  YAML::Node root;
  if (!loadMap(text, kExtensionSchema, root, error)) return std::nullopt;
  YamlFields rd{root, error};
  ExtensionRecord r;
  r.module = rd.str("module", true);
  std::string from = rd.str("name_from");
  r.nameFrom = from == "shim" ? NameFrom::Shim : from == "init" ? NameFrom::Init : NameFrom::Path;
  r.init = rd.str("init");
  std::string language = rd.str("language");
  if (language == "c++") r.language = LinkLanguage::Cxx;
  else if (!language.empty() && language != "c" && error.empty())
    error = "language: '" + language + "' is neither c nor c++";
  r.target = rd.str("target");
  r.output = rd.str("output");
  r.outputSha256 = rd.str("output_sha256");
  r.sourceDir = rd.str("source_dir");
  r.linker = rd.str("linker");
  r.objects = rd.list("objects");
  r.extraObjects = rd.list("extra_objects");
  r.archives = rd.list("archives");
  r.sharedInputs = rd.list("shared_inputs");
  r.libraries = rd.list("libraries");
  r.libraryDirs = rd.list("library_dirs");
  r.capturedLibraries = rd.strMap("captured_libraries");
  r.linkerArgs = rd.list("linker_args");
  r.flags = rd.list("flags");
  r.exports = rd.list("exports");
  r.linkModules = rd.list("link_modules");
  r.notes = rd.strMap("notes");
  r.recordedNs = rd.integer("recorded_ns");
  for (const auto *ids : {&r.objects, &r.extraObjects, &r.archives})
    for (const auto &id : *ids)
      if (error.empty() && !isHexId(id)) error = "object id '" + id + "' is not a sha256 hex digest";
  for (const auto &[name, id] : r.capturedLibraries) {
    if (error.empty() && !isHexId(id)) error = "captured library id '" + id + "' is not a sha256 hex digest";
    if (error.empty() && name.empty()) error = "a captured library has an empty name";
  }
  if (!error.empty()) return std::nullopt;
  return r;
}

} // namespace oxcc
