"""What the model sees: the pyramid of summaries, the story bible, retrieval, the memory
anchor and the assembler that puts them under a token budget.
"""
