#include "app/hub.h"

#include <filesystem>

#include "app/case_service.h"
#include "app/notifications.h"

namespace shiming {
namespace {

// What one plugin sees: the hub's services with a logger that names the plugin.
class PluginHostView : public sdk::Host {
 public:
  PluginHostView(Hub& hub, const std::string& name) : hub_(hub), logger_(name) {}
  sdk::Clock& clock() override { return hub_.clock(); }
  sdk::Logger& logger() override { return logger_; }
  sdk::Cases& cases() override { return hub_.cases(); }
  sdk::EvidenceStore& evidence() override { return hub_.evidence(); }
  sdk::RecordStore& records() override { return hub_.records(); }
  std::optional<nlohmann::json> channel_settings(const std::string& p, const std::string& c) override {
    return hub_.channel_settings(p, c);
  }
  std::vector<std::string> provinces() override { return hub_.provinces(); }
  sdk::Verifier* verifier(const std::string& name) override { return hub_.verifier(name); }
  std::string data_dir() override { return hub_.data_dir(); }

 private:
  Hub& hub_;
  PluginLogger logger_;
};

}  // namespace

std::map<std::string, rules::PluginInfo> probe_plugin_dir(const std::string& dir,
                                                          std::vector<std::string>& errors) {
  std::map<std::string, rules::PluginInfo> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto name = entry.path().filename().string();
    if (name.rfind("lib", 0) != 0 || entry.path().extension() != ".so") continue;
    auto lib = open_plugin(entry.path().string());
    if (!lib) {
      errors.push_back(lib.error().message);
      continue;
    }
    out[lib->name] = rules::PluginInfo{lib->kind, lib->schemas};
  }
  if (ec) errors.push_back("cannot read plugin directory " + dir + ": " + ec.message());
  return out;
}

Hub::Hub(rules::HostConfig config, http::Metrics& metrics, std::unique_ptr<crypto::Keyring> keys,
         std::unique_ptr<storage::Database> db)
    : candidates(*db, *keys),
      case_repo(*db, *keys),
      evidence_repo(*db, *keys, config.evidence_dir),
      findings(*db, *keys),
      decisions(*db),
      audit(*db),
      jobs(*db),
      users(*db),
      sessions(*db),
      config_(std::move(config)),
      metrics_(metrics),
      keys_(std::move(keys)),
      db_(std::move(db)),
      clock_(std::make_unique<SystemClock>()) {
  if (config_.testing.settable_clock) set_clock(std::make_unique<SettableClock>());
  records_ = std::make_unique<storage::RecordRepo>(*db_, *keys_);
  case_service_ = std::make_unique<CaseService>(*this);
  notifications_ = std::make_unique<NotificationCenter>(*this);
  notifications_->configure(config_.effective.value("notifications", nlohmann::json::object()));
}

Hub::~Hub() {
  // Plugin objects go first (their deleters unload the libraries), then the
  // services they might have used. The notification sender stops first.
  notifications_->clear_notifiers();
  verifiers_.clear();
  channels_.clear();
  while (!plugins_.empty()) plugins_.pop_back();
}

sdk::Result<std::unique_ptr<Hub>> Hub::create(rules::HostConfig config, http::Metrics& metrics) {
  auto keys = crypto::Keyring::load_or_create(config.keyring_file);
  if (!keys) return keys.error();
  auto db = storage::Database::open(config.database_url, std::max(4, config.io_threads + config.worker_threads + 2));
  if (!db) return db.error();
  if (auto s = db.value()->migrate(); !s) return s.error();
  std::error_code ec;
  // Encrypted images only, but still nobody else's business: a new folder is the owner's alone.
  if (std::filesystem::create_directories(config.evidence_dir, ec))
    std::filesystem::permissions(config.evidence_dir, std::filesystem::perms::owner_all, ec);
  std::unique_ptr<Hub> hub(new Hub(std::move(config), metrics,
                                   std::make_unique<crypto::Keyring>(std::move(keys.value())),
                                   std::move(db.value())));
  if (auto s = hub->load_plugins(); !s) return s.error();
  return hub;
}

sdk::Status Hub::load_plugins() {
  // 1. Open every configured library and read its ABI block and schemas.
  std::vector<std::pair<const rules::PluginEntry*, PluginLibrary>> opened;
  for (const auto& entry : config_.plugins) {
    std::string file = entry.file.empty() ? plugin_file(config_.plugin_dir, entry.name) : entry.file;
    auto lib = open_plugin(file);
    if (!lib) {
      if (entry.optional) {
        log_event(spdlog::level::warn, "optional plugin not loaded",
                  {{"plugin", entry.name}, {"error", lib.error().message}});
        continue;
      }
      return lib.error();
    }
    if (lib->name != entry.name)
      return sdk::Error{"PLUGIN_NAME_MISMATCH",
                        "plugin " + file + " calls itself '" + lib->name + "' but host.yaml lists '" +
                            entry.name + "'",
                        "插件名称与配置不符：" + entry.name, ""};
    if (plugin_infos_.count(lib->name))
      return sdk::Error{"PLUGIN_DUPLICATE", "plugin '" + lib->name + "' is listed twice",
                        "插件重复：" + lib->name, ""};
    plugin_infos_[lib->name] = rules::PluginInfo{lib->kind, lib->schemas};
    opened.emplace_back(&entry, std::move(lib.value()));
  }

  // 2. Province rules, validated against the schemas of exactly these plugins.
  rules_ = std::make_unique<rules::RulesRegistry>(
      config_.rules_dir, [this](const std::string& name) -> const rules::PluginInfo* {
        auto it = plugin_infos_.find(name);
        return it == plugin_infos_.end() ? nullptr : &it->second;
      });
  auto reload = rules_->reload();
  if (!reload.ok)
    return rules::diagnostics_error("RULES_INVALID", "the province rules are invalid",
                                    "省级规则配置有误", reload.diagnostics);

  // 3. Plugin objects, each with its validated config.
  for (auto& [entry, lib] : opened) {
    std::vector<rules::Diagnostic> diags;
    auto cfg = rules::validate_plugin_config(config_, *entry, lib.schemas.config, diags);
    if (!cfg) return cfg.error();
    LoadedPlugin loaded;
    loaded.host_view = std::make_unique<PluginHostView>(*this, lib.name);
    auto obj = create_plugin(lib, cfg.value(), *loaded.host_view);
    if (!obj) {
      if (entry->optional) {
        log_event(spdlog::level::warn, "optional plugin failed to start",
                  {{"plugin", lib.name}, {"error", obj.error().message}});
        continue;
      }
      return obj.error();
    }
    loaded.object = std::move(obj.value());
    loaded.config = cfg.value();
    loaded.library = std::move(lib);
    if (auto* v = loaded.object->as_verifier()) verifiers_[loaded.library.name] = v;
    if (auto* c = loaded.object->as_channel()) channels_[loaded.library.name] = c;
    if (auto* n = plugin_notifier(loaded.library, loaded.object.get()))
      notifications_->add_notifier(loaded.library.name, n);
    log_event(spdlog::level::info, "plugin loaded",
              {{"plugin", loaded.library.name}, {"kind", loaded.library.kind},
               {"version", loaded.library.version}, {"file", loaded.library.file}});
    plugins_.push_back(std::move(loaded));
  }
  return {};
}

sdk::Cases& Hub::cases() { return *case_service_; }
sdk::EvidenceStore& Hub::evidence() { return case_service_->evidence_store(); }

std::optional<nlohmann::json> Hub::channel_settings(const std::string& province,
                                                    const std::string& channel) {
  auto snap = rules_->current();
  const auto* p = snap->province(province);
  if (!p) return std::nullopt;
  const auto* c = p->enabled_channel(channel);
  if (!c) return std::nullopt;
  return c->settings;
}

std::string Hub::data_dir() {
  return std::filesystem::path(config_.evidence_dir).parent_path().string();
}

std::vector<std::string> Hub::provinces() { return rules_->current()->codes(); }

sdk::Verifier* Hub::verifier(const std::string& name) {
  auto it = verifiers_.find(name);
  return it == verifiers_.end() ? nullptr : it->second;
}

sdk::Channel* Hub::channel(const std::string& name) {
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second;
}

}  // namespace shiming
