// The passes of `oxcc link`'s planning, in the order planLink (plan.cpp)
// runs them. Each reads and fills plain data (the LinkPlan, or the inputs
// chosen so far) and returns false with a message naming the module, where
// it came from and the fix. None of them writes outside the build dir, and
// only chooseFromWheels writes there (the wheels' .so files, to read them).
#pragma once

#include "link/plan.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace oxcc {

class Store;

// Every extension record in the store, read once, indexed two ways.
struct StoreRecords {
  std::vector<ExtensionRecord> all;
  std::map<std::string, const ExtensionRecord *> newestByModule;
  std::map<std::string, const ExtensionRecord *> byOutputSha256; // the .so each produced
};

// What the link takes in, before the objects are located.
struct ChosenInputs {
  std::map<std::string, PlannedExtension> byModule;
  std::set<std::string> wheelPyMembers; // .py paths in the wheels (the entry check)
};

bool findTools(LinkPlan &plan, std::string &error);
bool readStoreRecords(const Store &store, StoreRecords &records, std::string &error);
bool chooseFromStore(const LinkOptions &opts, const Store &store, const StoreRecords &records,
                     ChosenInputs &in, std::string &error);
bool chooseFromWheels(const LinkOptions &opts, const Store &store, const StoreRecords &records,
                      ChosenInputs &in, std::string &error);
bool checkEntryModule(const LinkPlan &plan, const ChosenInputs &in, std::string &error);
bool locateObjects(const Store &store, ChosenInputs &in, LinkPlan &plan, std::string &error);
bool checkTargets(const LinkPlan &plan, std::string &error);
bool decideEmbedded(LinkPlan &plan, std::string &error);
void decideFinalLink(LinkPlan &plan);
bool decideAllocator(LinkPlan &plan, std::string &error); // allocator.cpp
void decideRuntimeBuild(LinkPlan &plan);
bool runPluginLinkHook(LinkPlan &plan, std::string &error);

} // namespace oxcc
