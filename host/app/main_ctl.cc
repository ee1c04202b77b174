// shimingctl [--config FILE] COMMAND ...
//   rules check FILE|DIR... [--plugins DIR] [--json]
//   id check NUMBER... [--json]
//   user add NAME --province P --role R [--enterprise E]   (password from standard input)
//   enterprise add|list --province P ...     (the enterprise channel's qualification register)
//   enterprise reissue-link --province P --batch B --row N [--json]  (a new employee link)
//   audit verify [--json]
#include <filesystem>
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
#if defined(SHIMINGCTL_ENTERPRISE)
#include "qualification.h"
#include "app/case_service.h"
#include "crypto/keyring.h"
#include "storage/audit_log.h"
#include "storage/case_repo.h"
#include "storage/record_repo.h"
#endif

namespace {
using namespace shiming;

std::string g_config_file;
std::string g_database;  // --database URL overrides host.yaml
std::string g_data_dir;  // --data-dir DIR: the host's data directory (its keyring), as shiming-host takes it

int usage() {
  std::cerr << "usage: shimingctl [--config FILE] [--database URL] [--data-dir DIR] COMMAND ...\n"
               "  rules check FILE|DIR... [--plugins DIR] [--json]\n"
               "  id check NUMBER... [--json]\n"
               "  user add NAME --province P --role clerk|reviewer|admin|enterprise_hr [--enterprise E]\n"
               "                                (password on stdin)\n"
               "  enterprise add --province P --id E --name N --credit-code C --valid-from D --valid-until D\n"
               "  enterprise list --province P [--json]\n"
               "  enterprise reissue-link --province P --batch B --row N [--json]\n"
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
  if (config && !g_data_dir.empty())
    config->keyring_file = (std::filesystem::absolute(g_data_dir) / "keys" / "keyring.json").string();
  return config;
}

#if defined(SHIMINGCTL_ENTERPRISE)
// The host's record store (encrypted with its keyring, which must already exist).
struct RecordAccess {
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<crypto::Keyring> keys;
  std::unique_ptr<storage::RecordRepo> records;
};

sdk::Result<RecordAccess> open_records(const rules::HostConfig& config, std::unique_ptr<storage::Database> db) {
  if (!std::filesystem::exists(config.keyring_file))
    return sdk::Error{"KEYRING_MISSING", "no keyring at " + config.keyring_file + " (pass the host's --data-dir)",
                      "找不到密钥文件", ""};
  auto keys = crypto::Keyring::load_or_create(config.keyring_file);
  if (!keys) return keys.error();
  RecordAccess a;
  a.db = std::move(db);
  a.keys = std::make_unique<crypto::Keyring>(std::move(keys.value()));
  if (a.db) a.records = std::make_unique<storage::RecordRepo>(*a.db, *a.keys);
  return a;
}

std::string china_today() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}
#endif

sdk::Result<std::unique_ptr<storage::Database>> open_db(const rules::HostConfig& config) {
  auto db = storage::Database::open(config.database_url, 1);
  if (!db) return db.error();
  if (auto s = db.value()->migrate(); !s) return s.error();
  return db;
}

int user_add(const std::string& config_file, const std::vector<std::string>& args) {
  std::string name, province, role, enterprise;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--province" && i + 1 < args.size()) province = args[++i];
    else if (args[i] == "--enterprise" && i + 1 < args.size()) enterprise = args[++i];
    else if (args[i] == "--role" && i + 1 < args.size()) role = args[++i];
    else if (name.empty() && args[i].rfind("--", 0) != 0) name = args[i];
    else return usage();
  }
  if (name.empty() || role.empty()) return usage();
  if (role == "enterprise_hr" && (enterprise.empty() || province.empty())) {
    std::cerr << "shimingctl: an enterprise_hr user needs --province and --enterprise\n";
    return 2;
  }
  if (role != "enterprise_hr" && !enterprise.empty()) {
    std::cerr << "shimingctl: --enterprise is only for the enterprise_hr role\n";
    return 2;
  }
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
#if defined(SHIMINGCTL_ENTERPRISE)
  std::unique_ptr<RecordAccess> access;
  if (!enterprise.empty()) {
    // Checked before the user exists: the enterprise must be in the province's register.
    auto a = open_records(*config, nullptr);
    if (!a) return std::cerr << "shimingctl: " << a.error().message << "\n", 1;
    access = std::make_unique<RecordAccess>(std::move(a.value()));
    access->records = std::make_unique<storage::RecordRepo>(*db.value(), *access->keys);
    if (!access->records->get(enterprise::kQualifications, enterprise::qualification_key(province, enterprise)))
      return std::cerr << "shimingctl: enterprise '" << enterprise << "' is not in the register of " << province
                       << " (shimingctl enterprise add ...)\n", 1;
  }
#else
  if (!enterprise.empty())
    return std::cerr << "shimingctl: the enterprise channel is not built into this shimingctl\n", 2;
#endif
  storage::UserRepo users(*db.value());
  storage::User u;
  u.username = name;
  u.province = province;
  u.role = role;
  u.password_hash = crypto::hash_password(password);
  u.created_at = std::chrono::system_clock::now();
  auto id = users.create(u);
  if (!id) return std::cerr << "shimingctl: " << id.error().message << "\n", 1;
#if defined(SHIMINGCTL_ENTERPRISE)
  if (access)
    if (auto s = enterprise::bind_hr(*access->records, *id, province, enterprise); !s)
      return std::cerr << "shimingctl: user created but not bound: " << s.error().message << "\n", 1;
#endif
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
  while (args.size() >= 2 && (args[0] == "--config" || args[0] == "--database" || args[0] == "--data-dir")) {
    (args[0] == "--config" ? g_config_file : args[0] == "--database" ? g_database : g_data_dir) = args[1];
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
  if (group == "enterprise") {
#if defined(SHIMINGCTL_ENTERPRISE)
    auto config = load_config(config_file);
    if (!config) return std::cerr << "shimingctl: " << config.error().message << "\n", 2;
    auto db = open_db(*config);
    if (!db) return std::cerr << "shimingctl: " << db.error().message << "\n", 1;
    auto access = open_records(*config, std::move(db.value()));
    if (!access) return std::cerr << "shimingctl: " << access.error().message << "\n", 1;
    // reissue-link: the host's own token change and audit record, by this operator.
    storage::CaseRepo cases(*access->db, *access->keys);
    storage::AuditLog audit(*access->db);
    auto reissue = [&](const std::string& case_id, const std::string& reason) {
      sdk::Actor actor{"admin", "shimingctl", "", "shimingctl"};
      return shiming::reissue_citizen_token(*access->db, cases, audit, case_id, actor, reason,
                                            std::chrono::system_clock::now());
    };
    return enterprise::run_enterprise_ctl(verb, rest, *access->records, china_today(), std::cout, std::cerr,
                                          reissue);
#else
    std::cerr << "shimingctl: 'enterprise' is not built into this shimingctl (its plugin folder was left out)\n";
    return 2;
#endif
  }
  return usage();
}
