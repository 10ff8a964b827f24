import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/errors';
import { LoginForm } from './LoginForm';
import { RegisterForm } from './RegisterForm';

describe('LoginForm', () => {
  it('asks for both fields before calling the server', async () => {
    const onSubmit = vi.fn();
    render(<LoginForm onSubmit={onSubmit} />);
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your username or email and your password.');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('shows wrong credentials from the server and lets the person try again', async () => {
    const onSubmit = vi.fn().mockRejectedValueOnce(new ApiError(401, 'invalid_credentials', 'Wrong login or password.')).mockResolvedValueOnce(undefined);
    render(<LoginForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText('Username or email'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong-password');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username/email or password.');
    expect(onSubmit).toHaveBeenCalledWith('alice', 'wrong-password');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(onSubmit).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says so when the server cannot be reached, or rate limits', async () => {
    const onSubmit = vi.fn().mockRejectedValueOnce(new ApiError(0, 'network', 'x')).mockRejectedValueOnce(new ApiError(429, 'rate_limited', 'slow'));
    render(<LoginForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText('Username or email'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'pw');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the server');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts');
  });
});

describe('RegisterForm', () => {
  it('checks fields locally and shows a taken username next to the field', async () => {
    const onSubmit = vi.fn().mockRejectedValueOnce(new ApiError(409, 'username_taken', 'That username is taken.'));
    render(<RegisterForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText('Username'), 'a!');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByText('Use 3-32 letters, digits or _.')).toBeInTheDocument();
    expect(screen.getByText('Use at least 8 characters.')).toBeInTheDocument();
    expect(screen.getByLabelText('Username')).toHaveAttribute('aria-invalid', 'true');
    expect(onSubmit).not.toHaveBeenCalled();

    await userEvent.clear(screen.getByLabelText('Username'));
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Display name'), 'Alice');
    await userEvent.clear(screen.getByLabelText('Password'));
    await userEvent.type(screen.getByLabelText('Password'), 'long enough');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(onSubmit).toHaveBeenCalledWith({ username: 'alice', email: 'alice@example.com', displayName: 'Alice', password: 'long enough' });
    expect(await screen.findByText('That username is taken.')).toBeInTheDocument();
  });
});
