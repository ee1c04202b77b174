#include "shiming/print/verify_cli.h"

#include <fstream>
#include <sstream>

#include "shiming/print/signed_token.h"

namespace shiming::print {
namespace {

constexpr const char* kUsage =
    "usage: shimingctl receipt|ticket verify [--json] --public-key <base64 | @file> <token>\n"
    "  The public key is shown by GET /api/v1/channels/window/receipts/public-key (receipts)\n"
    "  or GET /api/v1/admission-tickets/public-key (admission tickets).\n";

}  // namespace

int run_receipt_verify(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bool json = false;
  std::string key_arg, token;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") json = true;
    else if (args[i] == "--public-key" && i + 1 < args.size()) key_arg = args[++i];
    else if (args[i] == "--help" || args[i] == "-h") { out << kUsage; return 0; }
    else if (!args[i].empty() && args[i][0] == '-') { err << "unknown option '" << args[i] << "'\n" << kUsage; return 2; }
    else if (token.empty()) token = args[i];
    else { err << "one token only\n" << kUsage; return 2; }
  }
  if (key_arg.empty() || token.empty()) { err << kUsage; return 2; }
  if (key_arg[0] == '@') {
    std::ifstream in(key_arg.substr(1));
    if (!in) { err << "cannot read the public key file '" << key_arg.substr(1) << "'\n"; return 2; }
    std::stringstream ss;
    ss << in.rdbuf();
    key_arg = ss.str();
  }
  auto key = parse_public_key(key_arg);
  if (!key) { err << key.error().code << ": " << key.error().message << "\n"; return 2; }
  auto r = verify_receipt(token, *key);
  if (json) {
    nlohmann::json j = r ? nlohmann::json{{"valid", true}, {"receipt", *r}}
                         : nlohmann::json{{"valid", false}, {"code", r.error().code}, {"message", r.error().message},
                                          {"message_zh", r.error().message_zh}};
    out << j.dump(2) << "\n";
    return r ? 0 : 1;
  }
  if (!r) {
    out << "INVALID " << r.error().code << ": " << r.error().message << "\n" << r.error().message_zh << "\n";
    return 1;
  }
  out << "VALID receipt / 回执有效\n";
  for (const auto& [k, v] : r->items()) out << "  " << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  return 0;
}

}  // namespace shiming::print
