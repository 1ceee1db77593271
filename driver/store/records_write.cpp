// Writing manifests. Hand-written rather than through yaml-cpp: this runs
// on every compiler call, and yaml-cpp's static initialisers alone cost a
// measurable part of a call (see bench/). The output is plain block YAML
// with every string double-quoted, which any YAML reader (records_read.cpp)
// takes back unchanged.
#include "store/records.h"

namespace oxcc {

const char *originName(Origin o) { return o == Origin::Foreign ? "foreign" : "compiled"; }
const char *linkLanguageName(LinkLanguage l) { return l == LinkLanguage::Cxx ? "c++" : "c"; }

const char *nameFromString(NameFrom n) {
  switch (n) {
  case NameFrom::Shim: return "shim";
  case NameFrom::Path: return "path";
  case NameFrom::Init: return "init";
  }
  return "path";
}

namespace {

// A YAML double-quoted scalar: backslash and quote escaped, control
// characters as \xNN; UTF-8 passes through.
std::string quote(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20 || c == 0x7f) {
      static const char *hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

struct Writer {
  std::string out;
  // Empty strings and lists are left out so manifests stay short; readers
  // treat a missing key as empty.
  void put(const char *key, const std::string &v) {
    if (!v.empty()) out += std::string(key) + ": " + quote(v) + "\n";
  }
  void put(const char *key, const std::vector<std::string> &v) {
    if (v.empty()) return;
    out += std::string(key) + ":\n";
    for (const auto &s : v) out += "  - " + quote(s) + "\n";
  }
  // A map of strings, sorted by key (std::map), as quoted "key": "value".
  void put(const char *key, const std::map<std::string, std::string> &m) {
    if (m.empty()) return;
    out += std::string(key) + ":\n";
    for (const auto &[k, v] : m) out += "  " + quote(k) + ": " + quote(v) + "\n";
  }
  void putPlain(const char *key, const std::string &v) { out += std::string(key) + ": " + v + "\n"; }
};

} // namespace

std::string toYaml(const ObjectRecord &r) {
  Writer w;
  w.putPlain("schema", kObjectSchema);
  w.putPlain("id", r.id);
  w.put("stored_sha256", r.storedSha256);
  w.put("origin", originName(r.origin));
  w.put("source", r.source);
  w.put("language", r.language);
  w.put("cwd", r.cwd);
  w.put("output", r.output);
  w.put("compiler", r.compiler);
  w.put("target", r.target);
  w.put("module", r.module);
  w.put("flags", r.flags);
  w.put("generator", r.generator);
  w.put("generator_source", r.generatorSource);
  w.put("notes", r.notes);
  w.putPlain("recorded_ns", std::to_string(r.recordedNs));
  return w.out;
}

std::string toYaml(const ExtensionRecord &r) {
  Writer w;
  w.putPlain("schema", kExtensionSchema);
  w.put("module", r.module);
  w.put("name_from", nameFromString(r.nameFrom));
  w.put("init", r.init);
  w.put("language", linkLanguageName(r.language));
  w.put("target", r.target);
  w.put("output", r.output);
  w.put("output_sha256", r.outputSha256);
  w.put("source_dir", r.sourceDir);
  w.put("linker", r.linker);
  w.put("objects", r.objects);
  w.put("extra_objects", r.extraObjects);
  w.put("archives", r.archives);
  w.put("shared_inputs", r.sharedInputs);
  w.put("libraries", r.libraries);
  w.put("library_dirs", r.libraryDirs);
  w.put("captured_libraries", r.capturedLibraries);
  w.put("linker_args", r.linkerArgs);
  w.put("flags", r.flags);
  w.put("exports", r.exports);
  w.put("link_modules", r.linkModules);
  w.put("notes", r.notes);
  w.putPlain("recorded_ns", std::to_string(r.recordedNs));
  return w.out;
}

std::string writtenField(std::string_view yaml, std::string_view key) {
  std::string prefix = std::string(key) + ": \"";
  size_t at = 0;
  while (at < yaml.size()) {
    size_t end = yaml.find('\n', at);
    std::string_view line = yaml.substr(at, end == std::string_view::npos ? end : end - at);
    if (line.starts_with(prefix) && line.ends_with("\"")) {
      std::string_view v = line.substr(prefix.size(), line.size() - prefix.size() - 1);
      // Only values written without escapes (language names are plain).
      if (v.find('\\') == std::string_view::npos) return std::string(v);
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return "";
}

} // namespace oxcc
