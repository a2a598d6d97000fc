// Where the bundled specs and networks are: next to an installed binary, else the source tree.
#pragma once

#include <QString>
#include <QStringList>

namespace cert::studio {

/// The bundled files the IDE offers (File > Examples, the Network dock's list, first start).
struct BundledFiles {
  /// Folders searched, in order: <bin>/../share/certstudio/<kind>, CERTSTUDIO_DATA_DIR/<kind>
  /// (only when the binary runs from an install), then the source tree.
  static QStringList searchDirs(const QString& kind);

  /// Every *.cf in the first specs folder that has any, sorted by name.
  static QStringList specs();
  /// The trained networks (networks/trained/*.onnx), then every *.onnx of the networks folder,
  /// each sorted by name, from the first networks folder that has any.
  static QStringList networks();
  /// Every dataset CSV of the first inputs folder that has any (mnist_10.csv, cifar10_10.csv),
  /// sorted by name.
  static QStringList datasets();
  /// The values per row after the label of a dataset CSV (its first line's fields less one); 0
  /// when it cannot be read.
  static qint64 datasetRowWidth(const QString& path);
  /// specs/deeppoly.cf, else the first bundled spec; empty when there is none.
  static QString defaultSpec();
  /// trained/mnist_relu_3_50.onnx (a real MNIST classifier), else the first bundled network;
  /// empty when there is none.
  static QString defaultNetwork();
};

}  // namespace cert::studio
