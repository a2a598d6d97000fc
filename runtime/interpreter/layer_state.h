// One layer's state in an item run: its members by name, and the members the run left out
// because nothing was to read them (unread_members.h). Looking one of those up by name
// throws UnreadMemberRead, never "absent": the driver then runs the item again with every member
// computed (runtime/executor.cpp), so a member left out can make a run slower, never different.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "runtime/dense_values.h"

namespace cert::interp {

/// A member the run left out was looked up (see the file comment).
class UnreadMemberRead : public std::runtime_error {
 public:
  explicit UnreadMemberRead(const std::string& name)
      : std::runtime_error("member '" + name + "' was left out of this run as unread, and read") {}
};

/// The members of one layer by name (a std::map's interface, for the lookups the run makes).
class Members {
 public:
  using Map = std::map<std::string, runtime::Value>;
  using iterator = Map::iterator;
  using const_iterator = Map::const_iterator;

  runtime::Value& operator[](const std::string& name) { return map_[name]; }
  runtime::Value& at(const std::string& name) { return map_.at(checked(name)); }
  const runtime::Value& at(const std::string& name) const { return map_.at(checked(name)); }
  iterator find(const std::string& name) { return map_.find(checked(name)); }
  const_iterator find(const std::string& name) const { return map_.find(checked(name)); }
  iterator begin() { return map_.begin(); }
  iterator end() { return map_.end(); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }
  /// The stored members (left-out ones are not among them).
  const Map& stored() const { return map_; }

  /// Marks `name` as left out: it is not stored, and looking it up throws UnreadMemberRead.
  void leaveOut(const std::string& name) {
    map_.erase(name);
    leftOut_.insert(name);
  }
  bool leftOut(const std::string& name) const { return leftOut_.count(name) != 0; }
  /// How many members were left out (Float members: one value per neuron each).
  size_t leftOutCount() const { return leftOut_.size(); }

 private:
  const std::string& checked(const std::string& name) const {
    if (leftOut_.count(name)) throw UnreadMemberRead(name);
    return name;
  }
  Map map_;
  std::set<std::string> leftOut_;
};

/// One layer's members, by name: Float members as [n x 1] tensors, Poly/Sym materialized.
struct LayerState {
  Members members;
};

}  // namespace cert::interp
