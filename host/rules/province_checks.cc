#include "rules/province_checks.h"

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "rules/schema_validator.h"

namespace shiming::rules {
namespace {

using Kind = SourceNode::Kind;

const SourceNode* child(const SourceNode* n, const std::string& key) {
  if (!n || n->kind != Kind::map) return nullptr;
  return n->find(key);
}

Location where_or(const SourceNode* n, const Location& fallback) {
  return n ? n->where : fallback;
}

// The first entry for each key (duplicates are already reported by the validator).
std::vector<const MapEntry*> unique_entries(const SourceNode* n) {
  std::vector<const MapEntry*> out;
  if (!n || n->kind != Kind::map) return out;
  std::set<std::string> seen;
  for (const auto& e : n->entries) {
    if (seen.insert(e.key).second) out.push_back(&e);
  }
  return out;
}

std::optional<std::string> str_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

const std::set<std::string>& province_prefixes() {
  // GB/T 2260: provinces, autonomous regions, municipalities, Taiwan, Hong Kong, Macao.
  static const std::set<std::string> codes = {
      "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
      "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
      "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"};
  return codes;
}

class Checker {
 public:
  Checker(const SourceNode& root, nlohmann::json& doc, const PluginLookup& plugins,
          std::vector<Diagnostic>& out)
      : root_(root), doc_(doc), plugins_(plugins), out_(out) {}

  void run() {
    header();
    identity();
    channels();
    calendar();
    sessions();
    warning_days();
    advice();
    help();
    peaks();
  }

 private:
  void error(const Location& where, const std::string& path, std::string message) {
    out_.push_back(Diagnostic{where, std::move(message), path});
  }

  void header() {
    if (auto found = str_at(doc_, "code")) {
      static const std::regex slug("[a-z][a-z0-9-]*");
      std::string code = *found;
      Location at = where_or(child(&root_, "code"), root_.where);
      std::string stem = std::filesystem::path(root_.where.file).stem().string();
      if (!std::regex_match(code, slug)) {
        error(at, "code", "province code '" + code + "' must be a URL slug (a-z, 0-9, -)");
      } else if (!stem.empty() && stem != code) {
        error(at, "code", "province code '" + code + "' must match the file name '" + stem + ".yaml'");
      }
    }
    if (auto found = str_at(doc_, "region_code")) {
      std::string rc = *found;
      if (!province_prefixes().count(rc)) {
        error(where_or(child(&root_, "region_code"), root_.where), "region_code",
              "region_code '" + rc + "' is not a GB/T 2260 province prefix (two digits, e.g. \"11\")");
      }
    }
  }

  void identity() {
    if (!doc_.contains("identity")) return;
    const nlohmann::json& id = doc_["identity"];
    auto min = id.is_object() && id.contains("min_age") && id["min_age"].is_number_integer()
                   ? std::optional<int>(id["min_age"].get<int>()) : std::nullopt;
    auto max = id.is_object() && id.contains("max_age") && id["max_age"].is_number_integer()
                   ? std::optional<int>(id["max_age"].get<int>()) : std::nullopt;
    if (min && max && *min > *max) {
      error(where_or(child(&root_, "identity"), root_.where), "identity",
            "identity.min_age (" + std::to_string(*min) + ") is greater than identity.max_age (" +
                std::to_string(*max) + ")");
    }
  }

  const PluginInfo* plugin(const std::string& name) const {
    return plugins_ ? plugins_(name) : nullptr;
  }

  static SourceNode empty_map(const Location& where) {
    SourceNode n;
    n.kind = Kind::map;
    n.where = where;
    return n;
  }

  void channels() {
    const SourceNode* list = child(&root_, "channels");
    if (!doc_.contains("channels") || !doc_["channels"].is_object()) return;
    static const std::regex name_re("[a-z][a-z0-9_]*");
    for (const MapEntry* e : unique_entries(list)) {
      std::string path = "channels." + e->key;
      nlohmann::json& ch = doc_["channels"][e->key];
      if (!std::regex_match(e->key, name_re)) {
        error(e->key_where, path, "channel name '" + e->key + "' must be snake_case");
        continue;
      }
      bool enabled = ch.is_object() && ch.contains("enabled") && ch["enabled"].is_boolean() &&
                     ch["enabled"].get<bool>();
      if (!enabled) continue;  // a disabled channel needs no plugin; its settings wait
      const PluginInfo* info = plugin(e->key);
      if (!info) {
        error(e->key_where, path,
              "unknown plugin '" + e->key +
                  "' (no such channel plugin is loaded; list it in host.yaml or set enabled: false)");
      } else if (info->kind != "channel") {
        error(e->key_where, path, "plugin '" + e->key + "' is a " + info->kind + ", not a channel");
      } else {
        const SourceNode* settings = child(e->value.get(), "settings");
        SourceNode empty = empty_map(e->key_where);
        ValidationResult v = validate(settings && settings->kind != Kind::null ? *settings : empty,
                                      info->schemas.rules, path + ".settings");
        out_.insert(out_.end(), v.diagnostics.begin(), v.diagnostics.end());
        ch["settings"] = v.value;
      }
      pipeline(e, ch, path);
    }
  }

  void pipeline(const MapEntry* channel, nlohmann::json& ch, const std::string& path) {
    const SourceNode* steps = child(channel->value.get(), "pipeline");
    if (!ch["pipeline"].is_array()) return;
    if (ch["pipeline"].empty()) {
      error(where_or(steps, channel->key_where), path + ".pipeline",
            "channel '" + channel->key + "' is enabled but its pipeline is empty");
      return;
    }
    if (!steps || steps->kind != Kind::sequence) return;
    for (std::size_t i = 0; i < steps->items.size() && i < ch["pipeline"].size(); ++i) {
      const SourceNode& item = *steps->items[i];
      nlohmann::json& step = ch["pipeline"][i];
      std::string step_path = path + ".pipeline[" + std::to_string(i) + "]";
      if (!step.is_object() || !step.contains("verifier") || !step["verifier"].is_string()) continue;
      std::string name = step["verifier"];
      Location at = where_or(child(&item, "verifier"), item.where);
      const PluginInfo* info = plugin(name);
      if (!info) {
        error(at, step_path + ".verifier",
              "unknown plugin '" + name + "' (no such verifier plugin is loaded; list it in host.yaml)");
        continue;
      }
      if (info->kind != "verifier") {
        error(at, step_path + ".verifier", "plugin '" + name + "' is a " + info->kind + ", not a verifier");
        continue;
      }
      const SourceNode* params = child(&item, "params");
      SourceNode empty = empty_map(item.where);
      ValidationResult v = validate(params && params->kind != Kind::null ? *params : empty,
                                    info->schemas.rules, step_path + ".params");
      out_.insert(out_.end(), v.diagnostics.begin(), v.diagnostics.end());
      // Province-wide identity limits apply to any step declaring the same
      // parameter, unless the step sets it itself.
      for (const char* key : {"min_age", "max_age"}) {
        bool declared = false;
        for (const auto& f : info->schemas.rules.fields) declared = declared || f.name == key;
        if (declared && !child(params, key) && doc_.contains("identity") &&
            doc_["identity"].is_object() && doc_["identity"].contains(key)) {
          v.value[key] = doc_["identity"][key];
        }
      }
      step["params"] = v.value;
    }
  }

  void calendar() {
    const SourceNode* cal = child(&root_, "calendar");
    static const std::regex year_re("[0-9]{4}");
    for (const MapEntry* e : unique_entries(cal)) {
      std::string path = "calendar." + e->key;
      if (!std::regex_match(e->key, year_re)) {
        error(e->key_where, path, "calendar year '" + e->key + "' must be four digits, e.g. 2026");
        continue;
      }
      int year = std::stoi(e->key);
      std::map<Date, Location> holidays;
      for (const char* kind : {"holidays", "workdays"}) {
        const SourceNode* list = child(e->value.get(), kind);
        if (!list || list->kind != Kind::sequence) continue;
        for (std::size_t i = 0; i < list->items.size(); ++i) {
          const SourceNode& item = *list->items[i];
          if (item.kind != Kind::scalar) continue;  // reported by the validator
          std::string item_path = path + "." + kind + "[" + std::to_string(i) + "]";
          auto span = parse_day_span(item.scalar);
          if (!span) {
            error(item.where, item_path,
                  "bad date '" + item.scalar +
                      "': expected YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD of real calendar dates");
            continue;
          }
          if (std::chrono::sys_days{span->second} < std::chrono::sys_days{span->first}) {
            error(item.where, item_path, "date range '" + item.scalar + "' ends before it starts");
            continue;
          }
          if (int(span->first.year()) != year || int(span->second.year()) != year) {
            error(item.where, item_path, "'" + item.scalar + "' is not in calendar year " + e->key);
            continue;
          }
          for (auto d = std::chrono::sys_days{span->first}; d <= std::chrono::sys_days{span->second};
               d += std::chrono::days{1}) {
            if (std::string(kind) == "holidays") {
              holidays.emplace(Date{d}, item.where);
            } else if (holidays.count(Date{d})) {
              error(item.where, item_path,
                    format_date(Date{d}) + " is both a holiday and a make-up working day");
            }
          }
        }
      }
    }
  }

  void time_order(const SourceNode* session, const nlohmann::json& s, const std::string& path,
                  const char* earlier, const char* later, bool strict) {
    auto ta = str_at(s, earlier), tb = str_at(s, later);
    if (!ta || !tb) return;
    auto a = parse_time(*ta);
    auto b = parse_time(*tb);
    if (!a || !b) return;
    if (strict ? !(*a < *b) : *b < *a) {
      error(where_or(child(session, later), session->where), path + "." + later,
            std::string(later) + " must be " + (strict ? "after " : "at or after ") + earlier);
    }
  }

  // deadline_warning_days: whole days before a session's verification deadline
  // at which candidates not yet verified are reminded (each day once).
  void warning_days() {
    const SourceNode* list = child(&root_, "deadline_warning_days");
    if (!list || list->kind != Kind::sequence || !doc_.contains("deadline_warning_days")) return;
    std::set<long long> seen;
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      const SourceNode* node = list->items[i].get();
      std::string path = "deadline_warning_days[" + std::to_string(i) + "]";
      const nlohmann::json& v = doc_["deadline_warning_days"][i];
      if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 90) {
        error(node->where, path, "a warning day must be a whole number of days from 1 to 90");
      } else if (!seen.insert(v.get<long long>()).second) {
        error(node->where, path, "warning day " + std::to_string(v.get<long long>()) + " is listed twice");
      }
    }
  }

  void sessions() {
    const SourceNode* list = child(&root_, "sessions");
    if (!list || list->kind != Kind::sequence || !doc_.contains("sessions") ||
        !doc_["sessions"].is_array()) {
      return;
    }
    static const std::regex id_re("[A-Za-z0-9][A-Za-z0-9_-]*");
    std::map<std::string, int> ids;
    for (std::size_t i = 0; i < list->items.size() && i < doc_["sessions"].size(); ++i) {
      const SourceNode* node = list->items[i].get();
      const nlohmann::json& s = doc_["sessions"][i];
      std::string path = "sessions[" + std::to_string(i) + "]";
      if (!s.is_object()) continue;
      if (s.contains("id") && s["id"].is_string()) {
        std::string id = s["id"];
        Location at = where_or(child(node, "id"), node->where);
        if (!std::regex_match(id, id_re)) {
          error(at, path + ".id", "session id '" + id + "' may only contain letters, digits, '-' and '_'");
        } else if (auto [it, fresh] = ids.emplace(id, at.line); !fresh) {
          error(at, path + ".id",
                "session id '" + id + "' is used twice (first at line " + std::to_string(it->second) + ")");
        }
      }
      time_order(node, s, path, "registration_open", "registration_close", true);
      time_order(node, s, path, "registration_close", "verification_deadline", false);
      auto deadline_text = str_at(s, "verification_deadline");
      auto exam_text = str_at(s, "exam_date");
      if (deadline_text && exam_text) {
        auto deadline = parse_time(*deadline_text);
        auto exam = parse_date(*exam_text);
        if (deadline && exam && !(china_date(*deadline) < *exam)) {
          error(where_or(child(node, "exam_date"), node->where), path + ".exam_date",
                "exam_date must be after the day of verification_deadline");
        }
        if (auto score_text = str_at(s, "score_release"); exam && score_text) {
          auto score = parse_date(*score_text);
          if (score && !(*exam < *score)) {
            error(where_or(child(node, "score_release"), node->where), path + ".score_release",
                  "score_release must be after exam_date");
          }
        }
      }
    }
  }

  void advice() {
    static const std::regex code_re("[A-Z][A-Z0-9_]*");
    for (const MapEntry* e : unique_entries(child(&root_, "advice"))) {
      if (!std::regex_match(e->key, code_re)) {
        error(e->key_where, "advice." + e->key,
              "reason code '" + e->key + "' must be UPPER_SNAKE (e.g. FACE_MISMATCH)");
      }
    }
  }

  void help() {
    auto found = doc_.contains("help") ? str_at(doc_["help"], "consultation_url") : std::nullopt;
    if (!found) return;
    std::string url = *found;
    if (!url.empty() && url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
      error(where_or(child(child(&root_, "help"), "consultation_url"), root_.where),
            "help.consultation_url", "consultation_url must start with https:// or http://");
    }
  }

  void peaks() {
    const SourceNode* list = child(&root_, "peaks");
    if (!list || list->kind != Kind::sequence || !doc_.contains("peaks") || !doc_["peaks"].is_array()) {
      return;
    }
    for (std::size_t i = 0; i < list->items.size() && i < doc_["peaks"].size(); ++i) {
      if (doc_["peaks"][i].is_object()) {
        time_order(list->items[i].get(), doc_["peaks"][i], "peaks[" + std::to_string(i) + "]",
                   "start", "end", true);
      }
    }
  }

  const SourceNode& root_;
  nlohmann::json& doc_;
  const PluginLookup& plugins_;
  std::vector<Diagnostic>& out_;
};

}  // namespace

std::optional<std::pair<Date, Date>> parse_day_span(const std::string& text) {
  auto dots = text.find("..");
  if (dots == std::string::npos) {
    auto d = parse_date(text);
    if (!d) return std::nullopt;
    return std::make_pair(*d, *d);
  }
  auto a = parse_date(std::string_view(text).substr(0, dots));
  auto b = parse_date(std::string_view(text).substr(dots + 2));
  if (!a || !b) return std::nullopt;
  return std::make_pair(*a, *b);
}

void check_province(const SourceNode& merged, nlohmann::json& doc, const PluginLookup& plugins,
                    std::vector<Diagnostic>& out) {
  if (merged.kind != Kind::map || !doc.is_object()) return;
  Checker(merged, doc, plugins, out).run();
}

}  // namespace shiming::rules
