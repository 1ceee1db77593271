// The store's readers: they parse manifests (yaml-cpp), so they live with
// the tools, not on the compiler-call path.
#include "base/fs.h"
#include "store/store.h"

#include <map>

namespace oxcc {

std::optional<ObjectRecord> Store::readObjectRecord(const std::string &id,
                                                    std::string &error) const {
  std::string path = objectRecordPath(id);
  auto text = readFile(path, error);
  if (!text) return std::nullopt;
  auto r = objectFromYaml(*text, error);
  if (!r) error = "store manifest " + path + " is " + error;
  return r;
}

std::vector<ExtensionRecord> Store::allExtensions(std::vector<std::string> &errors) const {
  std::vector<ExtensionRecord> out;
  for (const auto &module : listDir(root_ + "/extensions"))
    for (const auto &file : listDir(extensionDir(module))) {
      if (!file.ends_with(".yaml")) continue;
      std::string path = extensionDir(module) + "/" + file, err;
      auto text = readFile(path, err);
      std::optional<ExtensionRecord> r;
      if (text) r = extensionFromYaml(*text, err);
      if (!r) {
        errors.push_back("store manifest " + path + " is " + (text ? err : "unreadable: " + err) +
                         " (delete the file, or rebuild the extension with oxcc)");
        continue;
      }
      out.push_back(std::move(*r));
    }
  return out;
}

std::vector<ExtensionRecord> Store::latestExtensions(std::vector<std::string> &errors) const {
  std::map<std::string, ExtensionRecord> newest;
  for (auto &r : allExtensions(errors)) {
    auto it = newest.find(r.module);
    if (it == newest.end() || it->second.recordedNs < r.recordedNs) newest[r.module] = std::move(r);
  }
  std::vector<ExtensionRecord> out;
  for (auto &[_, r] : newest) out.push_back(std::move(r));
  return out;
}

} // namespace oxcc
