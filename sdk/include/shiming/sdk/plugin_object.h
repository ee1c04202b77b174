#pragma once
#include <boost/config.hpp>

namespace shiming::sdk {

class Verifier;
class Channel;

// Base of every object a plugin creates. The host asks for the interface
// it needs with as_*() (no RTTI across libraries).
class BOOST_SYMBOL_VISIBLE PluginObject {
 public:
  virtual ~PluginObject() = default;
  virtual Verifier* as_verifier() { return nullptr; }
  virtual Channel* as_channel() { return nullptr; }
};

}  // namespace shiming::sdk
