"""Knowledge library: corpus loaders, chunking, embeddings, vector store, hybrid retrieval, evaluation."""
