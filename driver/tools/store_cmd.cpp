// oxcc store verify: every manifest parses, every object it names is there
// and hashes to what its record says.
#include "fs.h"
#include "store.h"
#include "tools.h"

#include <cstdio>

namespace oxcc {

static int verify(Store &store) {
  std::vector<std::string> problems;
  size_t objects = 0;
  for (const auto &id : store.allObjectIds()) {
    std::string err;
    auto rec = store.readObjectRecord(id, err);
    if (!rec) {
      problems.push_back(err);
      continue;
    }
    ++objects;
    if (rec->id != id) {
      problems.push_back(store.objectRecordPath(id) + " says id " + rec->id);
      continue;
    }
    std::string path = store.objectPath(id, ".o");
    if (!fileExists(path)) path = store.objectPath(id, ".a");
    auto bytes = readFile(path, err);
    if (!bytes) {
      problems.push_back("object " + id + " is missing: " + err);
      continue;
    }
    std::string want = rec->storedSha256.empty() ? rec->id : rec->storedSha256;
    if (sha256Hex(*bytes) != want) problems.push_back(path + " does not hash to its record");
  }

  std::vector<std::string> errors;
  auto exts = store.allExtensions(errors);
  problems.insert(problems.end(), errors.begin(), errors.end());
  for (const auto &e : exts)
    for (const auto *ids : {&e.objects, &e.extraObjects, &e.archives})
      for (const auto &id : *ids)
        if (!fileExists(store.objectRecordPath(id)))
          problems.push_back("extension " + e.module + " names object " + id +
                             ", which the store does not hold");

  for (const auto &p : problems) fprintf(stderr, "oxcc: error: %s\n", p.c_str());
  printf("store %s: %zu objects, %zu extension records, %zu problems\n", store.root().c_str(),
         objects, exts.size(), problems.size());
  return problems.empty() ? 0 : 1;
}

int toolStore(const Args &args) {
  if (args.size() != 1 || args[0] != "verify")
    return fail(2, "usage: oxcc store verify");
  Store store(Store::defaultRoot());
  std::string error;
  if (!store.open(false, error)) return fail(1, error);
  return verify(store);
}

} // namespace oxcc
