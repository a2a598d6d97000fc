// The concrete meaning of each layer operator over a bounded number of input neurons.
#include "compiler/prove/semantics.h"

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

}  // namespace

int bindOperator(Evaluator& ev, const std::string& op, const SourceRange& at) {
  World& w = ev.world;
  z3::context& c = w.ctx;
  const types::OperatorInfo* info = types::findOperator(op);
  if (!info) throw Unsupported{"unknown operator '" + op + "'", at};
  if (info->reverse) throw Unsupported{"backward (rev_) operators are not modelled by the prover", at};
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
  w.atoms[curr].value = value;
  w.derived.emplace_back("curr", value);
  return curr;
}

}  // namespace cert::prove
