// PgDb: the Db calls on one libpqxx connection. ?N parameters become $N.
#include <pqxx/except>
#include <pqxx/field>
#include <pqxx/nontransaction>
#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/row>

#include "state/pg_store.h"
#include "state/store.h"

namespace xs::state {
namespace {

std::string dollars(const std::string& sql) {
  std::string out = sql;
  for (char& c : out)
    if (c == '?') c = '$';
  return out;
}

// One line of a server or libpq message.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '\n' || c == '\t' ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

template <class F>
auto PgDb::translate(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const pqxx::broken_connection& e) {
    tx_.reset();
    conn_.reset();  // made again at the next call; its session locks are gone
    throw ConnectionLost("connection lost: " + one_line(e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    tx_.reset();
    conn_.reset();
    throw ConnectionLost("connection lost during commit: " + one_line(e.what()));
  } catch (const StateError&) {
    throw;
  } catch (const std::exception& e) {
    throw DbError(one_line(e.what()));
  }
}

PgDb::PgDb(const std::string& uri, std::vector<std::string> session_settings)
    : uri_(uri), settings_(std::move(session_settings)) {
  ensure_connected();
}

void PgDb::ensure_connected() {
  if (conn_ && conn_->is_open()) return;
  tx_.reset();
  prepared_.clear();
  conn_ = pg_connect(uri_);
  translate([&] {
    pqxx::nontransaction t(*conn_);
    for (const std::string& sql : settings_) t.exec(sql);
  });
}

pqxx::result PgDb::run(const std::string& sql, const Params& params) {
  if (!tx_) ensure_connected();
  return translate([&] {
    std::unique_ptr<pqxx::nontransaction> own;
    pqxx::transaction_base* t = tx_.get();
    if (!t) {
      own = std::make_unique<pqxx::nontransaction>(*conn_);
      t = own.get();
    }
    if (params.empty()) return t->exec(sql);  // may hold several statements (migrations)
    std::vector<std::string> values;
    for (const Param& p : params) values.push_back(p.text);
    // Prepared once per connection: the journal's statements are parsed and planned once.
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      const std::string name = "xs" + std::to_string(prepared_.size());
      conn_->prepare(name, dollars(sql));
      it = prepared_.emplace(sql, name).first;
    }
    return t->exec_prepared(it->second, pqxx::prepare::make_dynamic_params(values));
  });
}

Rows PgDb::query(const std::string& sql, const Params& params) {
  const pqxx::result r = run(sql, params);
  Rows out;
  for (const auto& row : r) {
    Row values;
    for (const auto& field : row) values.push_back(field.is_null() ? std::string() : field.c_str());
    out.push_back(std::move(values));
  }
  return out;
}

std::int64_t PgDb::exec(const std::string& sql, const Params& params) {
  return run(sql, params).affected_rows();
}

void PgDb::begin(bool) {
  // PostgreSQL's row locks and the advisory locks do what SQLite's IMMEDIATE does.
  ensure_connected();
  translate([&] { tx_ = std::make_unique<pqxx::work>(*conn_); });
}

void PgDb::commit() {
  translate([&] {
    std::unique_ptr<pqxx::work> t = std::move(tx_);
    t->commit();
  });
}

void PgDb::rollback() noexcept {
  try {
    if (tx_) tx_->abort();
  } catch (...) {  // the connection is gone: so is the transaction
  }
  tx_.reset();
}

}  // namespace xs::state
