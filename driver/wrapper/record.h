// Recording: what a successful compile or shared link leaves in the store.
#pragma once

#include "base/invocation.h"
#include "store/records.h"
#include "store/stats.h"
#include "store/store.h"

#include <string>
#include <vector>

namespace oxcc {

struct RecordContext {
  Store &store;
  const Invocation &inv;
  std::string compiler; // the real compiler's resolved path
  std::string target;   // its triple
  std::string cwd;
  std::vector<std::string> warnings; // said once the call is done
  Outcome outcome = Outcome::RecordFailed; // what recording came to (stats.h)
};

// After a successful compile: store each object the compiler wrote and add
// oxcc's .oxcc.obj section to it, naming its stored copy.
bool recordCompile(RecordContext &ctx, std::string &error);

// After a successful -shared link: if the output is a Python extension
// module, store its record (module, init, objects, libraries...).
bool recordLink(RecordContext &ctx, std::string &error);

// Puts a link input that oxcc did not compile (an object, an archive) into
// the store as a foreign object: id is its sha256.
bool storeForeignInput(RecordContext &ctx, const std::string &path, const std::string &bytes,
                       const char *ext, std::string &id, std::string &error);

// record_inputs.cpp: sources on an extension's link line, compiled again on
// their own through oxcc (their object ids join ext.objects); and the
// static archives its -l found in build-local -L dirs (the link's working
// directory, or the temporary directory), stored in ext.capturedLibraries.
bool compileLinkSources(RecordContext &ctx, ExtensionRecord &ext, std::string &error);
bool captureBuildLocalLibraries(RecordContext &ctx, ExtensionRecord &ext, std::string &error);


} // namespace oxcc
