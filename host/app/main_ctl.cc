// shimingctl [--config FILE] COMMAND ...
//   rules check FILE|DIR... [--plugins DIR] [--json]
//   id check NUMBER... [--json]
//   user add NAME --province P --role R      (password from standard input)
//   audit verify [--json]
#include <iostream>
#include <string>
#include <vector>

#include "app/hub.h"
#include "crypto/password.h"
#include "rules/host_config.h"
#include "rules/rules_check_cli.h"
#include "shiming/print/verify_cli.h"
#include "shiming/idnumber/ctl_id_check.h"
#include "storage/database.h"
#if defined(SHIMINGCTL_OCR_IDCARD)
#include "shiming/idcard_ocr/ctl_ocr_idcard.h"
#endif
#if defined(SHIMINGCTL_MRZ)
#include "shiming/mrz/ctl.h"
#endif

namespace {
using namespace shiming;

std::string g_config_file;
std::string g_database;  // --database URL overrides host.yaml

int usage() {
  std::cerr << "usage: shimingctl [--config FILE] [--database URL] COMMAND ...\n"
               "  rules check FILE|DIR... [--plugins DIR] [--json]\n"
               "  id check NUMBER... [--json]\n"
               "  user add NAME --province P --role clerk|reviewer|admin   (password on stdin)\n"
               "  audit verify [--json]\n"
               "  ocr idcard --front F [--back B] [--json]\n"
               "  ocr passport FILE [--json]\n"
               "  mrz parse [--text]            (2 or 3 MRZ lines on standard input)\n"
               "  receipt verify --public-key BASE64|@FILE TOKEN [--json]\n"
               "  ticket verify --public-key BASE64|@FILE TOKEN [--json]   (admission ticket QR token)\n";
  return 2;
}

sdk::Result<rules::HostConfig> load_config(const std::string& file) {
  if (file.empty())
    return sdk::Error{"USAGE", "this command needs --config FILE", "需要 --config 参数", ""};
  auto config = rules::load_host_config(file);
  if (config && !g_database.empty())
    if (auto s = rules::apply_database_override(*config, g_database); !s) return s.error();
  return config;
}

sdk::Result<std::unique_ptr<storage::Database>> open_db(const rules::HostConfig& config) {
  auto db = storage::Database::open(config.database_url, 1);
  if (!db) return db.error();
  if (auto s = db.value()->migrate(); !s) return s.error();
  return db;
}

int user_add(const std::string& config_file, const std::vector<std::string>& args) {
  std::string name, province, role;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--province" && i + 1 < args.size()) province = args[++i];
    else if (args[i] == "--role" && i + 1 < args.size()) role = args[++i];
    else if (name.empty() && args[i].rfind("--", 0) != 0) name = args[i];
    else return usage();
  }
  if (name.empty() || role.empty()) return usage();
  if (role != "clerk" && role != "reviewer" && role != "admin" && role != "enterprise_hr") {
    std::cerr << "shimingctl: unknown role '" << role << "' (clerk, reviewer, admin, enterprise_hr)\n";
    return 2;
  }
  auto config = load_config(config_file);
  if (!config) return std::cerr << "shimingctl: " << config.error().message << "\n", 2;
  std::string password;
  std::getline(std::cin, password);
  if (password.size() < 10) {
    std::cerr << "shimingctl: the password must have at least 10 characters\n";
    return 2;
  }
  auto db = open_db(*config);
  if (!db) return std::cerr << "shimingctl: " << db.error().message << "\n", 1;
  storage::UserRepo users(*db.value());
  storage::User u;
  u.username = name;
  u.province = province;
  u.role = role;
  u.password_hash = crypto::hash_password(password);
  u.created_at = std::chrono::system_clock::now();
  auto id = users.create(u);
  if (!id) return std::cerr << "shimingctl: " << id.error().message << "\n", 1;
  std::cout << "user " << name << " (" << role << (province.empty() ? "" : ", " + province) << ") created: " << *id << "\n";
  return 0;
}

int audit_verify(const std::string& config_file, const std::vector<std::string>& args) {
  bool json = !args.empty() && args[0] == "--json";
  auto config = load_config(config_file);
  if (!config) return std::cerr << "shimingctl: " << config.error().message << "\n", 2;
  auto db = open_db(*config);
  if (!db) return std::cerr << "shimingctl: " << db.error().message << "\n", 1;
  storage::AuditLog audit(*db.value());
  auto r = audit.verify();
  if (json) {
    nlohmann::json j = {{"ok", r.ok}, {"checked", r.checked}, {"problem", r.problem}};
    j["first_broken_seq"] = r.first_broken_seq ? nlohmann::json(*r.first_broken_seq) : nlohmann::json();
    std::cout << j.dump() << "\n";
  } else if (r.ok) {
    std::cout << "audit chain intact: " << r.checked << " records\n";
  } else {
    std::cout << "audit chain BROKEN at seq " << (r.first_broken_seq ? std::to_string(*r.first_broken_seq) : "?")
              << ": " << r.problem << "\n";
  }
  return r.ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  while (args.size() >= 2 && (args[0] == "--config" || args[0] == "--database")) {
    (args[0] == "--config" ? g_config_file : g_database) = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  const std::string& config_file = g_config_file;
  if (args.size() < 2) return usage();
  std::string group = args[0], verb = args[1];
  std::vector<std::string> rest(args.begin() + 2, args.end());
  if (group == "id" && verb == "check") return idnumber::run_id_check(rest, std::cout, std::cerr);
  if (group == "rules" && verb == "check") {
    std::string default_dir;
    if (!config_file.empty())
      if (auto c = rules::load_host_config(config_file)) default_dir = c->plugin_dir;
    auto infos = std::make_shared<std::map<std::string, rules::PluginInfo>>();
    return rules::run_rules_check(rest, std::cout, std::cerr, [&](const std::string& dir) {
      std::vector<std::string> errors;
      *infos = probe_plugin_dir(dir.empty() ? default_dir : dir, errors);
      for (const auto& e : errors) std::cerr << "shimingctl: " << e << "\n";
      return rules::PluginLookup([infos](const std::string& name) -> const rules::PluginInfo* {
        auto it = infos->find(name);
        return it == infos->end() ? nullptr : &it->second;
      });
    });
  }
  if (group == "user" && verb == "add") return user_add(config_file, rest);
#if defined(SHIMINGCTL_OCR_IDCARD)
  if (group == "ocr" && verb == "idcard") return idcard_ocr::run_ocr_idcard(rest, std::cout, std::cerr);
#endif
#if defined(SHIMINGCTL_MRZ)
  if (group == "ocr" && verb == "passport") return mrz::run_ocr_passport(rest, std::cout, std::cerr);
  if (group == "mrz" && verb == "parse") return mrz::run_mrz_parse(rest, std::cin, std::cout, std::cerr);
#endif
  // Window receipts and admission tickets carry the same kind of signed token (sdk/print).
  if ((group == "receipt" || group == "ticket") && verb == "verify")
    return print::run_receipt_verify(rest, std::cout, std::cerr);
  if ((group == "ocr" && (verb == "idcard" || verb == "passport")) || (group == "mrz" && verb == "parse")) {
    std::cerr << "shimingctl: '" << group << " " << verb << "' is not built into this shimingctl "
              << "(its plugin folder was left out of the build)\n";
    return 2;
  }
  if (group == "audit" && verb == "verify") return audit_verify(config_file, rest);
  return usage();
}
