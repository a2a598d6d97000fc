// The concrete meaning of each layer operator over a bounded number of input neurons.
#include "compiler/prove/semantics.h"

#include <vector>

#include "compiler/types/operators.h"

namespace cert::prove {

namespace {

Value neuronValue(z3::context& c, int atom) {
  Value v(c);
  v.kind = VKind::Neuron;
  v.atom = atom;
  return v;
}

z3::expr clip(const z3::expr& x, const z3::expr& a, const z3::expr& b) {
  return z3::ite(x <= a, a, z3::ite(x >= b, b, x));
}

/// The operator's concrete value at inputs xs (Affine: sum w_i x_i + b, its w and b made free and
/// stored as members of atom `curr`).
z3::expr operatorValue(Evaluator& ev, const std::string& op, const std::vector<z3::expr>& xs, int curr,
                       const SourceRange& at) {
  World& w = ev.world;
  z3::context& c = w.ctx;
  const z3::expr x = xs.front();
  const z3::expr zero = c.real_val(0);
  auto sigma = [&](const z3::expr& a) {
    ev.usesSigma = true;
    ev.sigmaArgs.push_back(a);
    return ev.sigma(a);
  };
  z3::expr value = zero;
  if (op == "Affine") {
    Value weights(c);
    weights.kind = VKind::List;
    const z3::expr bias = w.real("curr[bias]");
    value = bias;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const z3::expr wi = w.real("curr[weight][" + std::to_string(i) + "]");
      weights.items.push_back(Value::real(wi));
      weights.present.push_back(c.bool_val(true));
      value = value + wi * xs[i];
    }
    w.atoms[curr].members.insert_or_assign("weight", weights);
    w.atoms[curr].members.insert_or_assign("bias", Value::real(bias));
  } else if (op == "Relu") {
    value = z3::ite(x >= 0, x, zero);
  } else if (op == "Relu6") {
    value = clip(x, zero, c.real_val(6));
  } else if (op == "HardTanh") {
    value = clip(x, c.real_val(-1), c.real_val(1));
  } else if (op == "HardSigmoid") {
    // ConstraintFlow's HardSigmoid: clip((x + 1) / 2, 0, 1), as its published verifier and
    // examples define it. (An ONNX HardSigmoid node, alpha x + beta clipped, is imported as an
    // affine layer and a clip; no network layer runs this rule.)
    value = clip((x + 1) / 2, zero, c.real_val(1));
  } else if (op == "HardSwish") {
    value = x * clip(x / 6 + c.real_val(1, 2), zero, c.real_val(1));
  } else if (op == "Abs") {
    value = z3::ite(x >= 0, x, -x);
  } else if (op == "Sigmoid") {
    value = sigma(x);
  } else if (op == "Tanh") {  // tanh(x) = 2 sigma(2x) - 1, as the shipped specs define it
    value = 2 * sigma(2 * x) - 1;
  } else if (op == "Maxpool" || op == "Neuron_max") {
    value = xs.front();
    for (std::size_t i = 1; i < xs.size(); ++i) value = z3::ite(xs[i] > value, xs[i], value);
  } else if (op == "Minpool" || op == "Neuron_min") {
    value = xs.front();
    for (std::size_t i = 1; i < xs.size(); ++i) value = z3::ite(xs[i] < value, xs[i], value);
  } else if (op == "Avgpool") {
    for (const auto& xi : xs) value = value + xi;
    value = value / static_cast<int>(xs.size());
  } else if (op == "Neuron_add") {
    value = xs[0] + xs[1];
  } else if (op == "Neuron_mult") {
    value = xs[0] * xs[1];
  } else {
    throw Unsupported{"the prover has no concrete meaning for operator '" + op + "'", at};
  }
  return value;
}

/// A rev_ rule (a backward flow, runtime/interpreter/backward_flow.h): curr is the refined input
/// of the layer, a constrained neuron whose members as the forward run left them are read by the
/// rule (their constraints are assumed, proveRule's reverse step); prev is the layer's output
/// (prev_0, with prev_1 the other input of a two-input operator), constrained, whose value is the
/// operator applied to curr's (the two-input operators are commutative: one order covers both
/// inputs the runtime refines). rev_Affine: curr[equations], the layer's equations solved for
/// curr (lp's constraints), each equal to curr at the concrete values; prev (the layer's outputs)
/// is not modelled, nor a pooling window's outputs.
int bindReverse(Evaluator& ev, const types::OperatorInfo& info, const SourceRange& at) {
  World& w = ev.world;
  z3::context& c = w.ctx;
  if (info.inputs != types::Inputs::Single && info.inputs != types::Inputs::Pair)
    throw Unsupported{"backward (rev_) rules over lists of neurons (pooling's outputs per input) are not modelled by the prover",
                      at};
  const std::string op = info.name.substr(4);
  const int curr = w.neuron("curr", 0);
  ev.env.insert_or_assign("curr", neuronValue(c, curr));
  if (op == "Affine") {
    // curr[equations]: the layer's equations solved for curr, each a PolyExp over the layer's
    // inputs and outputs whose value is curr's (an opaque value equal to it: lp's constraint
    // curr == e holds at the concrete values). prev, the layer's outputs, is not bound: a rule
    // that reads it is unknown.
    Value equations(c);
    equations.kind = VKind::List;
    for (int k = 0; k < ev.options.listWidth; ++k) {
      const std::string name = "curr[equations][" + std::to_string(k) + "]";
      const int e = w.addAtom(AtomKind::Opaque, name, w.real(name), 1);
      w.hypotheses.push_back(w.atoms[e].value == w.atoms[curr].value);
      equations.items.push_back(linValue(Lin{c.real_val(0), {Term{e, c.real_val(1)}}}));
      equations.present.push_back(c.bool_val(true));
    }
    w.atoms[curr].members.insert_or_assign("equations", equations);
    return curr;
  }
  std::vector<z3::expr> xs{w.atoms[curr].value};
  if (info.inputs == types::Inputs::Pair) {
    const int other = w.neuron("prev_1", 0);
    ev.env.insert_or_assign("prev_1", neuronValue(c, other));
    xs.push_back(w.atoms[other].value);
  }
  const std::string outName = info.inputs == types::Inputs::Pair ? "prev_0" : "prev";
  const z3::expr y = operatorValue(ev, op, xs, curr, at);
  const int out = w.addAtom(AtomKind::Neuron, outName, y, 0);
  w.atoms[out].constrained = true;
  w.derived.emplace_back(outName, y);
  ev.env.insert_or_assign(outName, neuronValue(c, out));
  return curr;
}

}  // namespace

int bindOperator(Evaluator& ev, const std::string& op, const SourceRange& at) {
  World& w = ev.world;
  z3::context& c = w.ctx;
  const types::OperatorInfo* info = types::findOperator(op);
  if (!info) throw Unsupported{"unknown operator '" + op + "'", at};
  if (info->reverse) return bindReverse(ev, *info, at);
  std::vector<z3::expr> xs;
  switch (info->inputs) {
    case types::Inputs::Single: {
      const int p = w.neuron("prev", 0);
      ev.env.insert_or_assign("prev", neuronValue(c, p));
      xs.push_back(w.atoms[p].value);
      break;
    }
    case types::Inputs::List: {
      Value list(c);
      list.kind = VKind::List;
      for (int i = 0; i < ev.options.listWidth; ++i) {
        const int p = w.neuron("prev[" + std::to_string(i) + "]", 0);
        list.items.push_back(neuronValue(c, p));
        list.present.push_back(c.bool_val(true));
        xs.push_back(w.atoms[p].value);
      }
      ev.env.insert_or_assign("prev", list);
      break;
    }
    case types::Inputs::Pair:
      for (int i = 0; i < 2; ++i) {
        const std::string name = "prev_" + std::to_string(i);
        const int p = w.neuron(name, 0);
        ev.env.insert_or_assign(name, neuronValue(c, p));
        xs.push_back(w.atoms[p].value);
      }
      break;
    case types::Inputs::PairList:
      throw Unsupported{"'" + op + "' (two input lists) is not modelled by the prover", at};
  }
  const int curr = w.addAtom(AtomKind::Neuron, "curr", c.real_val(0), 0);
  w.atoms[curr].isCurr = true;
  ev.env.insert_or_assign("curr", neuronValue(c, curr));
  const z3::expr value = operatorValue(ev, op, xs, curr, at);
  w.atoms[curr].value = value;
  w.derived.emplace_back("curr", value);
  return curr;
}

}  // namespace cert::prove
