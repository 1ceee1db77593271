#include "record.h"

#include "base/elf_file.h"
#include "base/fs.h"
#include "base/module_name.h"
#include "registry.h"

#include <algorithm>
#include <cstdlib>
#include <sys/stat.h>

namespace oxcc {

bool recordCompile(RecordContext &ctx, std::string &error) {
  const Invocation &inv = ctx.inv;
  ctx.outcome = Outcome::ObjectRecorded;
  for (const auto &[source, object] : inv.objects) {
    // /dev/null, a pipe, or a file the compiler did not write: nothing to keep.
    if (!isRegularFile(object)) continue;
    auto bytes = readFile(object, error);
    if (!bytes) return false;
    // LTO bitcode and non-ELF targets cannot carry the section; skip them.
    if (!elf::isElf64(*bytes)) {
      ctx.warnings.push_back(object + " is not an ELF64 object; not recorded");
      ctx.outcome = Outcome::NotElfObject;
      continue;
    }
    std::string id = sha256Hex(*bytes);
    auto tagged = elf::appendSection(*bytes, elf::kObjectSection, elf::makeObjectRecord(id));
    if (!tagged.error.empty()) {
      error = "cannot add " + std::string(elf::kObjectSection) + " to " + object + ": " + tagged.error;
      return false;
    }

    ObjectRecord rec;
    rec.id = id;
    rec.storedSha256 = sha256Hex(tagged.bytes);
    rec.source = source == "-" ? source : absolutePath(source);
    rec.cwd = ctx.cwd;
    rec.output = absolutePath(object);
    rec.compiler = ctx.compiler;
    rec.target = ctx.target;
    rec.module = inv.module;
    rec.flags = inv.flags;
    rec.recordedNs = nowNs();
    for (const auto &in : inv.inputs)
      if (in.path == source) rec.language = in.language;
    runRecordObject(inv, rec);

    // Store first, then rewrite the output: if the store cannot take the
    // object, the build keeps the compiler's untouched output.
    if (!ctx.store.putBlob(id, tagged.bytes, ".o", error) ||
        !ctx.store.putObjectRecord(rec, error))
      return false;
    struct stat st;
    unsigned mode = stat(object.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
    if (!writeFileAtomic(object, tagged.bytes, dirName(absolutePath(object)), error, mode))
      return false;
  }
  return true;
}

bool storeForeignInput(RecordContext &ctx, const std::string &path, const std::string &bytes,
                         const char *ext, std::string &id, std::string &error) {
  id = sha256Hex(bytes);
  // Already stored: mark both files used now so a concurrent `store gc`
  // spares them; if gc took either meanwhile, fall through and rewrite.
  if (Store::refreshMtime(ctx.store.objectRecordPath(id)) && ctx.store.putBlob(id, bytes, ext, error))
    return true;
  ObjectRecord rec;
  rec.id = id;
  rec.storedSha256 = id;
  rec.origin = Origin::Foreign;
  rec.output = absolutePath(path);
  rec.cwd = ctx.cwd;
  rec.recordedNs = nowNs();
  return ctx.store.putBlob(id, bytes, ext, error) && ctx.store.putObjectRecord(rec, error);
}

bool recordLink(RecordContext &ctx, std::string &error) {
  const Invocation &inv = ctx.inv;
  ctx.outcome = Outcome::SharedLibrary;
  if (!isRegularFile(inv.output)) return true;
  auto so = readFile(inv.output, error);
  if (!so) return false;

  // Is it a Python extension? Its name says so, or it exports PyInit_*.
  std::vector<std::string> inits;
  for (const auto &sym : elf::definedGlobalSymbols(*so))
    if (sym.starts_with("PyInit_")) inits.push_back(sym);
  bool suffix = hasExtensionSuffix(inv.output);
  if (inits.empty() && !suffix) return true; // an ordinary shared library
  ctx.outcome = Outcome::RecordFailed;         // until it is stored

  ExtensionRecord ext;
  ext.output = absolutePath(inv.output);
  ext.outputSha256 = sha256Hex(*so);
  ext.sourceDir = ctx.cwd;
  ext.linker = ctx.compiler;
  ext.target = ctx.target;
  ext.recordedNs = nowNs();

  // The module's full name: the shim's tag is exact; the output path is a
  // good guess for setuptools layouts; the init function gives the leaf.
  if (!inv.module.empty()) {
    ext.module = inv.module, ext.nameFrom = NameFrom::Shim;
  } else if (auto name = moduleNameFromPath(ext.output, ctx.cwd); !name.empty()) {
    ext.module = name, ext.nameFrom = NameFrom::Path;
  } else if (inits.size() == 1) {
    ext.module = inits[0].substr(7), ext.nameFrom = NameFrom::Init;
  } else {
    error = "cannot tell the module name of " + inv.output +
            " (build it through setuptools with the oxcc shim, or name it pkg/_ext" +
            ".cpython-*.so under build/lib.*)";
    return false;
  }
  std::string leaf = ext.module.substr(ext.module.rfind('.') + 1);
  ext.init = "PyInit_" + leaf;
  if (std::find(inits.begin(), inits.end(), ext.init) == inits.end()) {
    if (inits.size() != 1) {
      error = inv.output + " (module " + ext.module + ") does not define " + ext.init +
              "; not recorded as an extension";
      return false;
    }
    ctx.warnings.push_back(ext.module + ": init function is " + inits[0] + ", not " + ext.init);
    ext.init = inits[0];
  }

  bool cxx = inv.cxxDriver;
  for (const auto &in : inv.inputs) {
    switch (in.type) {
    case InputType::Object: {
      auto bytes = readFile(in.path, error);
      if (!bytes) return false;
      auto section = elf::readSection(*bytes, elf::kObjectSection);
      auto ids = section ? elf::parseObjectRecords(*section) : std::vector<std::string>{};
      if (ids.empty()) {
        std::string id;
        if (!storeForeignInput(ctx, in.path, *bytes, ".o", id, error)) return false;
        ext.extraObjects.push_back(id);
        break;
      }
      // Ours. The blob is written only from bytes that hash to the record's
      // stored_sha256: a concurrent compile of the same source may be
      // rewriting this .o as we read it (a torn read), and a stored blob is
      // never replaced. Without a record (its compile is still recording, or
      // was killed) nothing is stored here; `oxcc link` names what is missing.
      const std::string &id = ids.front();
      std::string recErr;
      if (auto text = readFile(ctx.store.objectRecordPath(id), recErr)) {
        if (sha256Hex(*bytes) == writtenField(*text, "stored_sha256")) {
          // Refreshes a stored copy's mtime (gc's grace period) or rewrites it.
          if (!ctx.store.putBlob(id, *bytes, ".o", error)) return false;
        } else {
          Store::refreshMtime(ctx.store.objectPath(id));
        }
        Store::refreshMtime(ctx.store.objectRecordPath(id));
        std::string lang = writtenField(*text, "language");
        cxx |= lang == "c++" || lang == "objective-c++";
      }
      ext.objects.push_back(id);
      break;
    }
    case InputType::Archive: {
      auto bytes = readFile(in.path, error);
      if (!bytes) return false;
      std::string id;
      if (!storeForeignInput(ctx, in.path, *bytes, ".a", id, error)) return false;
      ext.archives.push_back(id);
      break;
    }
    case InputType::SharedLib:
      ext.sharedInputs.push_back(absolutePath(in.path));
      break;
    case InputType::Source: // compiled again on its own below
      cxx |= in.language == "c++";
      break;
    case InputType::Other:
      ext.flags.push_back(in.path);
      break;
    }
  }
  ext.language = cxx ? LinkLanguage::Cxx : LinkLanguage::C;
  ext.libraries = inv.libraries;
  for (const auto &d : inv.libraryDirs) ext.libraryDirs.push_back(absolutePath(d));
  ext.linkerArgs = inv.linkerArgs;
  ext.exports = inv.exports;
  ext.linkModules = inv.linkModules;
  ext.flags.insert(ext.flags.begin(), inv.flags.begin(), inv.flags.end());
  // What the link alone would leave behind: its sources' objects and the
  // build-local archives of its -l (record_inputs.cpp).
  if (!compileLinkSources(ctx, ext, error) || !captureBuildLocalLibraries(ctx, ext, error))
    return false;
  runRecordExtension(inv, ext);
  if (!ctx.store.putExtension(ext, error)) return false;
  ctx.outcome = Outcome::ExtensionRecorded;
  return true;
}

} // namespace oxcc
