// oxcc list: the extension modules the store holds, newest build of each.
#include "base/fs.h"
#include "store/store.h"
#include "store/stats.h"
#include "oxcc-tools/commands.h"

#include <cstdio>
#include <map>

namespace oxcc {

static std::string jsonString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20) {
        char buf[8];
        snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += char(c);
      }
    }
  }
  return out + "\"";
}

static std::string jsonList(const std::vector<std::string> &v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + jsonString(v[i]);
  return out + "]";
}

static std::string jsonMap(const std::map<std::string, std::string> &m) {
  std::string out = "{";
  for (const auto &[k, v] : m) out += (out.size() > 1 ? ", " : "") + jsonString(k) + ": " + jsonString(v);
  return out + "}";
}

static void printJson(const std::vector<ExtensionRecord> &exts, const std::string &root) {
  printf("{\"schema\": \"oxcc-list/1\", \"store\": %s, \"extensions\": [", jsonString(root).c_str());
  for (size_t i = 0; i < exts.size(); ++i) {
    const auto &e = exts[i];
    printf("%s\n  {\"module\": %s, \"init\": %s, \"name_from\": %s, \"language\": %s, "
           "\"target\": %s, \"source_dir\": %s, \"output\": %s, \"objects\": %s, "
           "\"extra_objects\": %s, \"archives\": %s, \"libraries\": %s, \"library_dirs\": %s, "
           "\"captured_libraries\": %s, \"linker_args\": %s, \"shared_inputs\": %s, "
           "\"exports\": %s, \"link_modules\": %s, \"notes\": %s}",
           i ? "," : "", jsonString(e.module).c_str(), jsonString(e.init).c_str(),
           jsonString(nameFromString(e.nameFrom)).c_str(), jsonString(linkLanguageName(e.language)).c_str(),
           jsonString(e.target).c_str(), jsonString(e.sourceDir).c_str(),
           jsonString(e.output).c_str(), jsonList(e.objects).c_str(),
           jsonList(e.extraObjects).c_str(), jsonList(e.archives).c_str(),
           jsonList(e.libraries).c_str(), jsonList(e.libraryDirs).c_str(),
           jsonMap(e.capturedLibraries).c_str(), jsonList(e.linkerArgs).c_str(), jsonList(e.sharedInputs).c_str(),
           jsonList(e.exports).c_str(), jsonList(e.linkModules).c_str(), jsonMap(e.notes).c_str());
  }
  printf("%s]}\n", exts.empty() ? "" : "\n");
}

static std::string commaList(const std::vector<std::string> &v) {
  std::string out;
  for (const auto &s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Cross-extension fields are rare, and a list of exports can be long: a line
// of its own under the row, only when set, keeps the table narrow.
static void printTable(const std::vector<ExtensionRecord> &exts) {
  size_t w = 6;
  for (const auto &e : exts) w = std::max(w, e.module.size());
  printf("%-*s  %-4s  %-7s  %-9s  %s\n", int(w), "MODULE", "LANG", "OBJECTS", "LIBRARIES",
         "SOURCE");
  for (const auto &e : exts) {
    std::string libs;
    for (const auto &l : e.libraries) libs += (libs.empty() ? "" : ",") + l;
    printf("%-*s  %-4s  %-7zu  %-9s  %s\n", int(w), e.module.c_str(), linkLanguageName(e.language),
           e.objects.size() + e.extraObjects.size(), libs.empty() ? "-" : libs.c_str(),
           e.sourceDir.c_str());
    if (!e.exports.empty()) printf("  exports: %s\n", commaList(e.exports).c_str());
    if (!e.linkModules.empty()) printf("  link_modules: %s\n", commaList(e.linkModules).c_str());
  }
}

// --stats: what the builds into this store recorded, and why each call that
// recorded nothing did not (stats.h), as ccache -s does.
static void printStats(const std::string &root, bool json) {
  std::vector<uint64_t> counts = readOutcomes(root);
  if (json) {
    printf("{\"schema\": \"oxcc-stats/1\", \"store\": %s, \"calls\": {", jsonString(root).c_str());
    for (size_t i = 0; i < counts.size(); ++i)
      printf("%s%s: %llu", i ? ", " : "", jsonString(outcomeName(Outcome(i))).c_str(),
             (unsigned long long)counts[i]);
    printf("}}\n");
    return;
  }
  uint64_t total = 0;
  for (auto c : counts) total += c;
  printf("compiler calls through oxcc into %s: %llu\n", root.c_str(), (unsigned long long)total);
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i])
      printf("  %-28s %8llu  %s\n", outcomeName(Outcome(i)), (unsigned long long)counts[i],
             outcomeMeaning(Outcome(i)));
}

int toolList(const Args &args) {
  bool json = false, stats = false;
  for (const auto &a : args) {
    if (a == "--json") json = true;
    else if (a == "--stats") stats = true;
    else return fail(2, "oxcc list: unknown option '" + a + "' (usage: oxcc list [--json] [--stats])");
  }
  Store store(Store::defaultRoot());
  if (stats) {
    printStats(store.root(), json);
    return 0;
  }
  std::vector<ExtensionRecord> exts;
  std::vector<std::string> errors;
  if (fileExists(store.root())) {
    std::string error;
    if (!store.open(false, error)) return fail(1, error);
    exts = store.latestExtensions(errors);
  }
  json ? printJson(exts, store.root()) : printTable(exts);
  for (const auto &e : errors) fprintf(stderr, "oxcc: error: %s\n", e.c_str());
  return errors.empty() ? 0 : 1;
}

} // namespace oxcc
