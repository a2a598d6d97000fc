// Placeholder translation unit for the IDE library.
