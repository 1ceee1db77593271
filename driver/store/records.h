// What the store keeps about objects and extension modules: plain structs and
// their YAML form. The schema is documented in docs/formats.md; bump the
// version string when a field changes meaning, never silently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxcc {

inline constexpr const char *kObjectSchema = "oxcc-object/1";
inline constexpr const char *kExtensionSchema = "oxcc-extension/1";

// Where a stored object came from: compiled through oxcc, or met as a link
// input that oxcc did not compile (also archives).
enum class Origin : uint8_t { Compiled, Foreign };

// One object file the store holds.
struct ObjectRecord {
  std::string id;        // sha256 of the compiler's output (before oxcc's section)
  std::string storedSha256; // sha256 of the stored file (with the section)
  Origin origin = Origin::Compiled;
  std::string source;    // absolute path of the source file
  // gcc's -x name (c, c++, assembler, cuda, ...): an open set, which a
  // plugin may extend, so a string.
  std::string language;
  std::string cwd;
  std::string output;    // absolute path the compiler wrote
  std::string compiler;  // the real compiler that ran
  std::string target;    // triple
  std::string module;    // the extension it was tagged for, if any
  std::vector<std::string> flags;
  std::string generator;       // e.g. "cython 0.29.32", when the source says so
  std::string generatorSource; // e.g. the .pyx a Cython .c was made from
  std::map<std::string, std::string> notes; // plugins' "<plugin>.<key>": value
  int64_t recordedNs = 0;
};

// Which driver links an extension: C++ if any object is C++ or oxc++ linked.
enum class LinkLanguage : uint8_t { C, Cxx };

// How the module name of an extension was learnt.
enum class NameFrom { Shim, Path, Init };

struct ExtensionRecord {
  std::string module;   // full dotted name: pkg.sub._ext
  NameFrom nameFrom = NameFrom::Path;
  std::string init;     // PyInit_<leaf>
  LinkLanguage language = LinkLanguage::C;
  std::string target;
  std::string output;   // absolute path of the .so
  std::string outputSha256;
  std::string sourceDir; // cwd of the link (the package's build root)
  std::string linker;    // the real compiler driver that linked
  std::vector<std::string> objects;      // ids of oxcc-compiled objects, link order
  std::vector<std::string> extraObjects; // ids of foreign objects (stored too)
  std::vector<std::string> archives;     // ids of .a inputs (stored)
  std::vector<std::string> sharedInputs; // .so files given as inputs (paths)
  std::vector<std::string> libraries;    // -l names
  std::vector<std::string> libraryDirs;  // -L dirs, absolute
  // -l names found as archives in a build-local -L dir (gone after the
  // build: pip's temp dir), stored at the link: name -> stored .a id.
  std::map<std::string, std::string> capturedLibraries;
  std::vector<std::string> linkerArgs;   // -Wl,... / -Xlinker ..., verbatim
  std::vector<std::string> flags;        // other link-time flags, verbatim
  // Cross-extension linking (--oxcc-export= / --oxcc-link-module= tags):
  // symbols this extension keeps global in a static link, and the modules
  // whose exports it calls.
  std::vector<std::string> exports;
  std::vector<std::string> linkModules;
  std::map<std::string, std::string> notes; // plugins' "<plugin>.<key>": value
  int64_t recordedNs = 0;
};

// Each enum's word in the records (and `oxcc list`, the plugin API).
const char *nameFromString(NameFrom n);
const char *originName(Origin o);
const char *linkLanguageName(LinkLanguage l);

// records_write.cpp (no yaml-cpp: the driver's hot path).
std::string toYaml(const ObjectRecord &r);
std::string toYaml(const ExtensionRecord &r);
// One unescaped top-level string field of a manifest written by toYaml
// ("" if absent): lets the hot path read back what it wrote itself, such
// as an object's language, without a YAML parser.
std::string writtenField(std::string_view yaml, std::string_view key);

// records_read.cpp (yaml-cpp). Parse a manifest. On failure returns nullopt and sets `error` to a
// sentence naming what is wrong (the caller adds the file name).
std::optional<ObjectRecord> objectFromYaml(const std::string &text, std::string &error);
std::optional<ExtensionRecord> extensionFromYaml(const std::string &text, std::string &error);

} // namespace oxcc
