// The content-addressed store: object files by the sha256 of the compiler's
// output, extension records by module. Safe under many concurrent writers
// without locks: every file is written whole to tmp/ and renamed into place,
// and content-addressed files are identical whoever writes them.
//
//   ROOT/oxcc-store             "oxcc-store/1": the layout version
//   ROOT/objects/ab/<id>.o      an object (with oxcc's .oxcc.obj section)
//   ROOT/objects/ab/<id>.a      an archive met as a link input
//   ROOT/objects/ab/<id>.yaml   its ObjectRecord
//   ROOT/extensions/<module>/<sha256 of the .so>.yaml   an ExtensionRecord
//   ROOT/compilers/<key>        cached `-dumpmachine` answers
//   ROOT/tmp/                   temporaries, renamed from here
#pragma once

#include "store/records.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxcc {

inline constexpr const char *kStoreLayout = "oxcc-store/1";

class Store {
public:
  // $OXCC_STORE, else ${XDG_CACHE_HOME:-~/.cache}/oxcc/store.
  static std::string defaultRoot();

  explicit Store(std::string root) : root_(std::move(root)) {}
  const std::string &root() const { return root_; }

  // Checks the layout version and creates what is missing (when `create`).
  // A reader (`create` false) of a store that does not exist yet reads an
  // empty store: nothing has been recorded, which is not an error (`oxcc
  // link` of a python-like app or of pure-Python wheels needs no store).
  // The error names the store and what to do.
  bool open(bool create, std::string &error);

  std::string objectPath(const std::string &id, const char *ext = ".o") const;
  std::string objectRecordPath(const std::string &id) const;
  std::string extensionDir(const std::string &module) const;
  std::string tmpDir() const { return root_ + "/tmp"; }

  // Stores bytes under `id` unless a file is already there (whose mtime is
  // then refreshed: see refreshMtime).
  bool putBlob(const std::string &id, std::string_view bytes, const char *ext, std::string &error);
  bool putObjectRecord(const ObjectRecord &r, std::string &error);
  bool putExtension(const ExtensionRecord &r, std::string &error);

  // store_read.cpp: these parse manifests (tools only).
  std::optional<ObjectRecord> readObjectRecord(const std::string &id, std::string &error) const;

  // Every extension record in the store. Files that cannot be read or parsed
  // are reported in `errors` (one line each, naming the file) and skipped.
  std::vector<ExtensionRecord> allExtensions(std::vector<std::string> &errors) const;
  // The newest record of each module, sorted by module name.
  std::vector<ExtensionRecord> latestExtensions(std::vector<std::string> &errors) const;

  // Marks a stored file as used now, so `oxcc store gc` spares it for its
  // grace period. False only if the file is gone (gc may just have taken
  // it): the caller writes it again.
  static bool refreshMtime(const std::string &path);

  // Every object record (for `oxcc store verify`).
  std::vector<std::string> allObjectIds() const;

  std::string cachedValue(const std::string &key) const;
  void cacheValue(const std::string &key, const std::string &value) const;

private:
  std::string root_;
};

} // namespace oxcc
