#pragma once
// In-memory fakes of the host services, so a plugin's unit tests need no host.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shiming/sdk/plugin.h"

namespace shiming::sdk::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point t = std::chrono::system_clock::now())
      : now_(t) {}
  std::chrono::system_clock::time_point now() const override { return now_; }
  void set(std::chrono::system_clock::time_point t) { now_ = t; }
  void advance(std::chrono::seconds s) { now_ += s; }

 private:
  std::chrono::system_clock::time_point now_;
};

class CapturingLogger : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    std::lock_guard lock(mu_);
    lines.emplace_back(level, std::string(message));
  }
  std::vector<std::pair<LogLevel, std::string>> lines;

 private:
  std::mutex mu_;
};

class FakeEvidenceStore : public EvidenceStore {
 public:
  std::optional<Evidence> get(const std::string& case_id, std::string_view kind) override {
    auto it = items_.find({case_id, std::string(kind)});
    if (it == items_.end()) return std::nullopt;
    return it->second;
  }
  Status put(const std::string& case_id, const Evidence& e) override {
    items_[{case_id, e.kind}] = e;
    return {};
  }
  std::vector<std::string> kinds(const std::string& case_id) override {
    std::vector<std::string> out;
    for (const auto& [k, v] : items_) if (k.first == case_id) out.push_back(k.second);
    return out;
  }

 private:
  std::map<std::pair<std::string, std::string>, Evidence> items_;
};

class FakeRecordStore : public RecordStore {
 public:
  Status put(const std::string& c, const std::string& k, const nlohmann::json& v,
             const std::string& index) override {
    items_[{c, k}] = {v, index};
    return {};
  }
  std::optional<nlohmann::json> get(const std::string& c, const std::string& k) override {
    auto it = items_.find({c, k});
    if (it == items_.end()) return std::nullopt;
    return it->second.first;
  }
  std::vector<std::pair<std::string, nlohmann::json>> list(const std::string& c,
                                                           const std::string& index) override {
    std::vector<std::pair<std::string, nlohmann::json>> out;
    for (const auto& [k, v] : items_)
      if (k.first == c && (index.empty() || v.second == index)) out.emplace_back(k.second, v.first);
    return out;
  }
  Status remove(const std::string& c, const std::string& k) override {
    items_.erase({c, k});
    return {};
  }

 private:
  std::map<std::pair<std::string, std::string>, std::pair<nlohmann::json, std::string>> items_;
};

// Cases kept in memory; attach/submit/transition record what happened.
class FakeCases : public Cases {
 public:
  explicit FakeCases(EvidenceStore& evidence) : evidence_(evidence) {}
  Result<CaseView> get(const std::string& id) override {
    auto it = cases.find(id);
    if (it == cases.end()) return Error{"CASE_NOT_FOUND", "No such case.", "没有该认证申请。", ""};
    return it->second;
  }
  Result<OpenedCase> open(const OpenCaseRequest& r, const Actor&) override {
    CaseView c;
    c.id = "case-" + std::to_string(cases.size() + 1);
    c.candidate_id = "cand-" + std::to_string(cases.size() + 1);
    c.province = r.province; c.channel = r.channel; c.exam_session = r.exam_session;
    c.status = "collecting"; c.identity = r.identity;
    cases[c.id] = c;
    return OpenedCase{c.id, c.candidate_id, "token-" + c.id};
  }
  Status attach(const std::string& id, Evidence e, const Actor&) override {
    if (!cases.count(id)) return Error{"CASE_NOT_FOUND", "No such case.", "没有该认证申请。", ""};
    return evidence_.put(id, e);
  }
  Status submit(const std::string& id, const Actor&) override {
    if (!cases.count(id)) return Error{"CASE_NOT_FOUND", "No such case.", "没有该认证申请。", ""};
    submitted.push_back(id);
    cases[id].status = "submitted";
    return {};
  }
  Status transition(const std::string& id, const std::string& to, const Actor&,
                    const std::string&) override {
    if (!cases.count(id)) return Error{"CASE_NOT_FOUND", "No such case.", "没有该认证申请。", ""};
    cases[id].status = to;
    return {};
  }
  Result<std::string> find_by_id_number(const std::string& p, const std::string& n) override {
    for (const auto& [id, c] : cases)
      if (c.province == p && c.identity.id_number == n) return id;
    return Error{"CASE_NOT_FOUND", "No such case.", "没有该认证申请。", ""};
  }
  std::map<std::string, CaseView> cases;
  std::vector<std::string> submitted;

 private:
  EvidenceStore& evidence_;
};

class FakeHost : public Host {
 public:
  Clock& clock() override { return clock_; }
  Logger& logger() override { return logger_; }
  Cases& cases() override { return cases_; }
  EvidenceStore& evidence() override { return evidence_; }
  RecordStore& records() override { return records_; }
  std::optional<nlohmann::json> channel_settings(const std::string& p,
                                                 const std::string& ch) override {
    auto it = settings.find({p, ch});
    if (it == settings.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> provinces() override {
    std::vector<std::string> out;
    for (const auto& [k, v] : settings) out.push_back(k.first);
    return out;
  }
  Verifier* verifier(const std::string& name) override {
    auto it = verifiers.find(name);
    return it == verifiers.end() ? nullptr : it->second;
  }

  std::string data_dir() override { return data_directory; }

  FakeClock& fake_clock() { return clock_; }
  CapturingLogger& captured() { return logger_; }
  FakeCases& fake_cases() { return cases_; }
  std::map<std::pair<std::string, std::string>, nlohmann::json> settings;
  std::map<std::string, Verifier*> verifiers;
  std::string data_directory;  // what data_dir() answers (SDK 1.2)

 private:
  FakeClock clock_;
  CapturingLogger logger_;
  FakeEvidenceStore evidence_;
  FakeRecordStore records_;
  FakeCases cases_{evidence_};
};

// A context for calling Verifier::verify() directly in a unit test.
class FakeVerificationContext : public VerificationContext {
 public:
  const CaseView& subject() const override { return subject_; }
  const nlohmann::json& params() const override { return params_; }
  std::optional<Evidence> evidence(std::string_view kind) override {
    for (const auto& e : items) if (e.kind == kind) return e;
    return std::nullopt;
  }
  void put_derived(const Evidence& e) override { derived.push_back(e); items.push_back(e); }
  const std::vector<Finding>& earlier() const override { return earlier_; }
  Clock& clock() override { return clock_; }
  Logger& logger() override { return logger_; }

  CaseView subject_;
  nlohmann::json params_ = nlohmann::json::object();
  std::vector<Evidence> items;
  std::vector<Evidence> derived;
  std::vector<Finding> earlier_;
  FakeClock clock_;
  CapturingLogger logger_;
};

}  // namespace shiming::sdk::testing
