#pragma once
// Finds, checks and instantiates plugins (Boost.DLL). Every object a plugin
// creates holds a reference to its library, so no object outlives the code
// that implements it.
#include <memory>
#include <string>
#include <vector>

#include "shiming/sdk/plugin.h"

namespace boost::dll { class shared_library; }

namespace shiming {

// A plugin library that is open and whose ABI block and schemas were read,
// but from which no object was created yet.
struct PluginLibrary {
  std::string file;
  std::string name;
  std::string version;
  std::string kind;  // "verifier" | "channel" | "notifier"
  std::string description;
  unsigned sdk_major = 0;
  unsigned sdk_minor = 0;
  sdk::PluginSchemas schemas;
  std::shared_ptr<boost::dll::shared_library> library;
};

// Opens `file`, reads the ABI block and refuses a plugin built for another
// SDK major version (naming the file and both versions). Never throws.
sdk::Result<PluginLibrary> open_plugin(const std::string& file);

// Creates the plugin's object. The returned pointer's deleter keeps the
// library loaded until the object is gone.
sdk::Result<std::shared_ptr<sdk::PluginObject>> create_plugin(const PluginLibrary& lib,
                                                              const nlohmann::json& config,
                                                              sdk::Host& host);

// The Notifier inside an object of a "notifier" plugin (through the library's
// shiming_plugin_notifier export), else nullptr.
sdk::Notifier* plugin_notifier(const PluginLibrary& lib, sdk::PluginObject* object);

// The conventional file name of a plugin in a plugin directory: lib<name>.so.
std::string plugin_file(const std::string& dir, const std::string& name);

}  // namespace shiming
